"""Record every request that acted on a payment — provider calls, admin actions, hosted-page
choices — with its answer, so a payment's page can show what caused each change. The request
is answered once its record is committed (writer.py commits records in groups)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..appkeys import CONTEXT
from .touched import Recording
from .writer import Draft

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_PAGES = ("/_sandbox/acs/", "/_sandbox/checkout/", "/_sandbox/terminal/")


@web.middleware
async def record_exchanges(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    with Recording() as touched:
        try:
            response = await handler(request)
        except web.HTTPException as answer:  # redirects of hosted pages, raised
            if touched:
                await _record(request, answer, touched, started)
            raise
    if touched:
        await _record(request, response, touched, started)
    return response


async def _record(
    request: web.Request,
    response: web.StreamResponse,
    touched: dict[tuple[str, str], None],
    started: float,
) -> None:
    ctx = request.config_dict[CONTEXT]
    latency_ms = round((time.perf_counter() - started) * 1000)
    body = response.body if isinstance(response, web.Response) else None
    try:
        payments = []
        for tenant, payment_id in touched:
            await ctx.clocks.ensure(tenant)
            payments.append((tenant, payment_id, ctx.clocks.now(tenant)))
        draft = Draft(
            payments=tuple(payments),
            method=request.method,
            path=request.path_qs,
            status=response.status,
            latency_ms=latency_ms,
            source=_source(request.path),
            request=await request.read() if request.body_exists else b"",
            response=body if isinstance(body, bytes) else None,
        )
    except Exception:  # the journal never costs a merchant its answer
        log.exception("could not record %s %s", request.method, request.path)
        return
    await ctx.journal.write(draft)


def _source(path: str) -> str:
    if path.startswith(_PAGES):
        return "page"
    if path.startswith("/_sandbox/"):
        return "admin"
    return path.split("/", 2)[1]
