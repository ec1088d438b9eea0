"""The live feed: payments and webhook deliveries as they change, as server-sent events.

The feed reads the store's change feed, so it shows what any sandbox process sharing the
store changed. Each event's id is its change sequence number: a client that reconnects with
``Last-Event-ID`` (browsers do) or ``?after=`` misses nothing. Events: ``payment`` and
``delivery`` (their summary), ``reset`` (a tenant was reset or replaced).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from aiohttp import web
from aiohttp_sse import EventSourceResponse, sse_response

from ..context import SandboxContext
from ..openapi import Answer
from ..store import Change
from .arguments import context_of, optional_tenant
from .endpoints import E400, TENANT_PARAMS, api
from .problems import AdminProblem
from .views import delivery_summary, payment_summary

#: Open feeds of this process, closed when it shuts down (connections, not sandbox state).
STREAMS: web.AppKey[set[asyncio.Task[Any]]] = web.AppKey("feeds")


@api.get(
    "/events",
    name="events",
    parameters=[
        *TENANT_PARAMS,
        {
            "name": "after",
            "in": "query",
            "schema": {"type": "integer", "minimum": 0},
            "description": "Start after this change (default: now). Last-Event-ID wins.",
        },
    ],
    answers={
        200: Answer("Server-sent events: payment, delivery, reset", media_type="text/event-stream"),
        400: E400,
    },
)
async def events(request: web.Request) -> web.StreamResponse:
    """Payments and webhook deliveries as they change (server-sent events), of one tenant or
    all; each event's id resumes the feed."""
    ctx = context_of(request)
    tenant = optional_tenant(request)
    after = await _start(request, ctx)
    feeds = request.app[STREAMS]
    task = asyncio.current_task()
    assert task is not None
    feeds.add(task)
    interval = ctx.settings.poll_interval
    stream: EventSourceResponse
    try:
        async with sse_response(request) as stream:
            with contextlib.suppress(asyncio.CancelledError, ConnectionResetError):
                while stream.is_connected():
                    changes = await ctx.store.changes(after, tenant, 200)
                    for change in changes:
                        event = await _event(ctx, change)
                        if event is not None:
                            data = orjson.dumps(event[1]).decode()
                            await stream.send(data, id=str(change.seq), event=event[0])
                        after = change.seq
                    if not changes:
                        await asyncio.sleep(interval)
    finally:
        feeds.discard(task)
    return stream


def setup_feeds(app: web.Application) -> None:
    """Track open feeds, and end them when the sandbox shuts down."""
    app[STREAMS] = set()

    async def close(app: web.Application) -> None:
        feeds: set[asyncio.Task[Any]] = app[STREAMS]
        for task in [*feeds]:
            task.cancel()

    app.on_shutdown.append(close)


async def _start(request: web.Request, ctx: SandboxContext) -> int:
    given = request.headers.get("Last-Event-ID") or request.query.get("after")
    if given is None:
        return await ctx.store.last_change()
    if not given.isdigit():
        raise AdminProblem(400, "invalid_request", "after (or Last-Event-ID) must be a number")
    return int(given)


async def _event(ctx: SandboxContext, change: Change) -> tuple[str, dict[str, Any]] | None:
    if change.kind == "tenant":
        return "reset", {"tenant": change.id}
    async with ctx.store.begin() as uow:
        if change.kind == "payment":
            payment = await uow.get_payment(change.id)
            return ("payment", payment_summary(payment)) if payment else None
        delivery = await uow.get_delivery(change.id)
        return ("delivery", delivery_summary(delivery)) if delivery else None
