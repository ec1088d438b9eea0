"""How long the server waits on a client: connections without a complete request, and bodies.

aiohttp closes a connection whose next request has not fully arrived ``keepalive_timeout``
seconds after it opened or after its last answer — idle keep-alive and headers trickling in
(slowloris) alike — so that is set from ``idle_timeout``. It has no limit on a body that never
arrives (a ``Content-Length`` promising more than is sent holds a handler for ever): every body
is read here first, within ``body_timeout``; past it the request answers 408 in the envelope of
whoever serves it, and the connection closes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from .appkeys import CONTEXT
from .settings import Settings

#: After a refused body, how long the server still reads (and drops) what the client sends, so
#: that its answer is not lost to a TCP reset (aiohttp's lingering close).
LINGERING_SECONDS = 2.0


def server_options(settings: Settings) -> dict[str, Any]:
    """What ``web.run_app`` / ``web.AppRunner`` take to bound waiting on clients."""
    return {"keepalive_timeout": settings.idle_timeout, "lingering_time": LINGERING_SECONDS}


@web.middleware
async def bodies_in_time(request: web.Request, handler: Any) -> web.StreamResponse:
    """For sub-applications without an envelope of their own (the hosted pages)."""
    await read_body_in_time(request, request.config_dict[CONTEXT].settings.body_timeout)
    response: web.StreamResponse = await handler(request)
    return response


async def read_body_in_time(request: web.Request, seconds: float) -> None:
    """Read the request's body now (aiohttp keeps it for later ``read()``), or answer 408 and
    close the connection when it has not fully arrived within ``seconds``."""
    if not request.body_exists:
        return
    if request.content.is_eof():  # all of it came with the headers: nothing to wait for
        await request.read()
        return
    try:
        async with asyncio.timeout(seconds):
            await request.read()
    except TimeoutError:
        request.protocol.close()  # no further request on this connection
        raise web.HTTPRequestTimeout(
            text=f"the request body did not arrive within {seconds:g} s"
        ) from None
