"""Record every request that acted on a payment — provider calls, admin actions, hosted-page
choices — with its answer, so a payment's page can show what caused each change."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ..appkeys import CONTEXT
from ..store import Exchange
from .masking import excerpt
from .touched import Recording

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
    sent = excerpt(await request.read()) if request.body_exists else ""
    body = response.body if isinstance(response, web.Response) else None
    answered = excerpt(body) if isinstance(body, bytes) else ""
    source = _source(request.path)
    try:
        async with ctx.store.begin() as uow:
            for tenant, payment_id in touched:
                await ctx.clocks.ensure(tenant)
                uow.save_exchange(
                    Exchange(
                        tenant=tenant,
                        payment_id=payment_id,
                        at=ctx.clocks.now(tenant),
                        method=request.method,
                        path=request.path_qs,
                        status=response.status,
                        latency_ms=latency_ms,
                        source=source,
                        request=sent,
                        response=answered,
                    )
                )
            await uow.commit()
    except Exception:  # the journal never costs a merchant its answer
        log.exception("could not record %s %s", request.method, request.path)


def _source(path: str) -> str:
    if path.startswith(_PAGES):
        return "page"
    if path.startswith("/_sandbox/"):
        return "admin"
    return path.split("/", 2)[1]
