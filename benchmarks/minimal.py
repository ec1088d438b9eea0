"""The least a Tranzzo purchase can cost on the sandbox's stack: aiohttp, the request body
validated by the sandbox's own pydantic model, and an answer of the sandbox's shape rendered by
orjson from a dict — no authentication, no state, no rules.

    python benchmarks/minimal.py PORT ANSWER_FILE

``ANSWER_FILE`` holds one answer of the sandbox's; each request gets it with its own order id.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
from aiohttp import web

from psp_sandbox.simulator.providers.tranzzo.models import PaymentRequest


def main() -> None:
    answer = orjson.loads(Path(sys.argv[2]).read_bytes())

    async def purchase(request: web.Request) -> web.Response:
        body = PaymentRequest.model_validate_json(await request.read())
        rendered = orjson.dumps({**answer, "order_id": body.order_id})
        return web.Response(body=rendered, content_type="application/json")

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/tranzzo/api/v1/payment", purchase)
    app.router.add_get("/_sandbox/health", health)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
