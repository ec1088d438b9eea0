"""Queued outcomes and injected faults: add, list and clear a tenant's entries."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..faults import injection
from ..faults.injection import REQUEST_KINDS
from ..openapi import Answer
from ..outcomes import scripted
from ..providers.base import json_response
from . import models as m
from .arguments import (
    check_provider,
    context_of,
    read_body,
    tenant_of,
)
from .endpoints import E400, TENANT_PARAMS, api
from .problems import AdminProblem


@api.post(
    "/outcomes",
    name="queue_outcomes",
    body=m.OutcomeRequest,
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's queue", m.QueueView), 400: E400},
)
async def queue_outcomes(request: web.Request) -> web.StreamResponse:
    """Queue outcomes for the next matching operations of a tenant (optionally one order)."""
    ctx = context_of(request)
    body = await read_body(request, m.OutcomeRequest)
    tenant = tenant_of(request, body.tenant)
    check_provider(ctx, body.provider)
    if (body.outcome is None) == (body.outcomes is None):
        raise AdminProblem(400, "invalid_request", "give either outcome (with count) or outcomes")
    names = body.outcomes if body.outcomes is not None else [body.outcome] if body.outcome else []
    entries = []
    for name in names:
        try:
            scripted.check_suitable(body.operation, scripted.named(name, body.delay_seconds))
        except scripted.UnsuitableOutcome as unsuitable:
            raise AdminProblem(400, "unsuitable_outcome", str(unsuitable)) from None
        entries.append(
            {
                "provider": body.provider,
                "operation": body.operation,
                "reference": body.reference,
                "outcome": name,
                "delay_seconds": body.delay_seconds,
                "remaining": body.count if body.outcomes is None else 1,
            }
        )
    queue = await ctx.outcomes.add(ctx.store, tenant, entries)
    return json_response({"tenant": tenant, "entries": queue})


@api.get(
    "/outcomes",
    name="list_outcomes",
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's queue", m.QueueView), 400: E400},
)
async def list_outcomes(request: web.Request) -> web.StreamResponse:
    """Queued outcomes not used yet."""
    return await _show_queue(request, context_of(request).outcomes)


@api.delete(
    "/outcomes",
    name="clear_outcomes",
    parameters=TENANT_PARAMS,
    answers={200: Answer("The emptied queue", m.QueueView), 400: E400},
)
async def clear_outcomes(request: web.Request) -> web.StreamResponse:
    """Drop every queued outcome of the tenant."""
    return await _clear_queue(request, context_of(request).outcomes)


@api.post(
    "/faults",
    name="inject_faults",
    body=m.FaultRequest,
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's fault queue", m.QueueView), 400: E400},
)
async def inject_faults(request: web.Request) -> web.StreamResponse:
    """Queue faults: HTTP errors in the provider's envelope, latency, resets, malformed bodies,
    or webhook chaos: drops, delays, duplicates, reordered groups and answer timeouts."""
    ctx = context_of(request)
    body = await read_body(request, m.FaultRequest)
    tenant = tenant_of(request, body.tenant)
    check_provider(ctx, body.provider)
    if body.kind in REQUEST_KINDS and body.operation not in (None, "*") and body.provider:
        known = [e.name for e in ctx.plugins[body.provider].api.endpoints if not e.public]
        if body.operation not in known:
            raise AdminProblem(
                400, "unknown_operation", f"{body.provider} operations: {', '.join(known)}"
            )
    if body.kind == "error" and body.status is None:
        raise AdminProblem(400, "invalid_request", "kind=error needs a status (400-599)")
    if body.kind == "reorder" and body.count < 2:
        raise AdminProblem(400, "invalid_request", "kind=reorder needs a count of 2 or more")
    given = body.model_dump(exclude={"tenant", "count"}, exclude_none=True)
    entry = {"provider": body.provider, "operation": body.operation, **given}
    entry["remaining"] = body.count
    if body.kind in injection.WEBHOOK_KINDS:
        entry["operation"] = injection.WEBHOOK
    queue = await ctx.faults.add(ctx.store, tenant, [entry])
    return json_response({"tenant": tenant, "entries": queue})


@api.get(
    "/faults",
    name="list_faults",
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's fault queue", m.QueueView), 400: E400},
)
async def list_faults(request: web.Request) -> web.StreamResponse:
    """Queued faults not used yet."""
    return await _show_queue(request, context_of(request).faults)


@api.delete(
    "/faults",
    name="clear_faults",
    parameters=TENANT_PARAMS,
    answers={200: Answer("The emptied queue", m.QueueView), 400: E400},
)
async def clear_faults(request: web.Request) -> web.StreamResponse:
    """Drop every queued fault of the tenant."""
    return await _clear_queue(request, context_of(request).faults)


async def _show_queue(request: web.Request, queue: Any) -> web.StreamResponse:
    tenant = tenant_of(request)
    return json_response(
        {"tenant": tenant, "entries": await queue.entries(context_of(request).store, tenant)}
    )


async def _clear_queue(request: web.Request, queue: Any) -> web.StreamResponse:
    tenant = tenant_of(request)
    await queue.clear(context_of(request).store, tenant)
    return json_response({"tenant": tenant, "entries": []})
