"""Tenant clocks: read one, or move it forward and run what falls due."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..context import SandboxContext
from ..openapi import Answer
from ..providers.base import json_response
from ..services.clock import ClockOutOfRange
from . import models as m
from .arguments import (
    context_of,
    read_body,
    tenant_of,
)
from .endpoints import E400, TENANT_PARAMS, api
from .problems import AdminProblem


@api.get(
    "/clock",
    name="get_clock",
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's time", m.ClockView), 400: E400},
)
async def get_clock(request: web.Request) -> web.StreamResponse:
    """A tenant's virtual time."""
    ctx = context_of(request)
    tenant = tenant_of(request)
    await ctx.clocks.refresh(tenant)
    return json_response(_clock_view(ctx, tenant))


@api.post(
    "/clock",
    name="advance_clock",
    body=m.ClockRequest,
    parameters=TENANT_PARAMS,
    answers={200: Answer("The tenant's new time; due work has run", m.ClockView), 400: E400},
)
async def advance_clock(request: web.Request) -> web.StreamResponse:
    """Move a tenant's clock forward (concurrent advances add up); everything that falls due
    in the window runs before the answer, in due order, each at its own time: async
    completions, expiries, settlements, every webhook retry of the schedule that fits. The
    clock stops short of year 9000: an advance past it answers 400 and changes nothing."""
    ctx = context_of(request)
    body = await read_body(request, m.ClockRequest)
    tenant = tenant_of(request, body.tenant)
    try:
        await ctx.clocks.advance(tenant, body.advance_seconds)
    except ClockOutOfRange as bounded:
        raise AdminProblem(400, "clock_out_of_range", str(bounded)) from None
    ticked, attempted = await ctx.run_due(tenant)
    return json_response(
        {**_clock_view(ctx, tenant), "ticked": ticked, "webhooks_attempted": attempted}
    )


def _clock_view(ctx: SandboxContext, tenant: str) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "now": ctx.clocks.now(tenant).isoformat(),
        "offset_seconds": ctx.clocks.offset_ms(tenant) / 1000,
    }
