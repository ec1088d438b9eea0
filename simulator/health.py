"""``GET /_sandbox/health``: readiness, answered by the root app before anything else is built.

The admin API documents it with its other endpoints (``control/sandbox.py``); the root serves
it itself, so that a check of a fresh sandbox builds nothing the check does not need.
"""

from __future__ import annotations

import os

import orjson
from aiohttp import web

from .appkeys import CONTEXT
from .store.codec import masked


async def health(request: web.Request) -> web.StreamResponse:
    """Readiness: 200 once the store is open and background work runs."""
    ctx = request.config_dict[CONTEXT]
    body = {
        "status": "ok",
        "store": masked(ctx.store.url),
        "providers": list(ctx.plugins),
        "instance": ctx.dispatcher.owner,
        "pid": os.getpid(),
    }
    return web.Response(body=orjson.dumps(body), content_type="application/json")
