"""A webhook receiver for the benchmarks, in a process of its own: answers every POST 200 at once
and notes when it arrived (real time) under its path; ``GET /arrivals`` returns the notes.

    python benchmarks/receiver.py PORT
"""

from __future__ import annotations

import sys
import time

from aiohttp import web

ARRIVALS = web.AppKey("arrivals", dict[str, list[float]])


async def receive(request: web.Request) -> web.Response:
    await request.read()
    request.app[ARRIVALS].setdefault(request.path, []).append(time.time())
    return web.Response(text="OK")


async def arrivals(request: web.Request) -> web.Response:
    noted = request.app[ARRIVALS]
    if request.query.get("count") is not None:
        return web.json_response({"count": sum(len(times) for times in noted.values())})
    return web.json_response(noted)


async def forget(request: web.Request) -> web.Response:
    request.app[ARRIVALS].clear()
    return web.Response(status=204)


def main() -> None:
    app = web.Application()
    app[ARRIVALS] = {}
    app.router.add_get("/arrivals", arrivals)
    app.router.add_delete("/arrivals", forget)
    app.router.add_post("/{tail:.*}", receive)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
