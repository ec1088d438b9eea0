"""The baseline: a bare aiohttp server answering a pre-serialised JSON of the sandbox's size."""

from __future__ import annotations

import sys

from aiohttp import web

#: A Tranzzo purchase answer is about 1.1 kB; the baseline answers the same number of bytes.
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 1100


def main() -> None:
    body = b'{"payload":"' + b"x" * (SIZE - 14) + b'"}'

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
