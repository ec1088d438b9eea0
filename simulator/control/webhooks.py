"""Webhook deliveries: list them with every attempt, replay one."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..openapi import Answer
from ..providers.base import json_response
from ..store import DeliveryFilter
from . import models as m
from .arguments import (
    context_of,
    optional_tenant,
)
from .endpoints import E400, E404, LIMIT_PARAM, TENANT_PARAMS, api
from .paging import CURSOR_PARAM, cursor_of, limit_of, next_cursor
from .problems import AdminProblem
from .views import delivery_view


@api.get(
    "/webhooks",
    name="list_webhooks",
    parameters=[
        *TENANT_PARAMS,
        {"name": "provider", "in": "query", "schema": {"type": "string"}},
        {"name": "payment_id", "in": "query", "schema": {"type": "string"}},
        LIMIT_PARAM,
        CURSOR_PARAM,
    ],
    answers={
        200: Answer("Deliveries, newest first, with every attempt; one page", m.DeliveryList),
        400: E400,
    },
)
async def list_webhooks(request: web.Request) -> web.StreamResponse:
    """Webhook deliveries, newest first, each with its attempts."""
    ctx = context_of(request)
    where = DeliveryFilter(
        tenant=optional_tenant(request),
        provider=request.query.get("provider"),
        payment_id=request.query.get("payment_id"),
        limit=limit_of(request),
        before=cursor_of(request.query),
    )
    found = await ctx.store.list_deliveries(where)
    views = await asyncio.to_thread(lambda: [delivery_view(d) for d in found])
    return json_response(
        {
            "webhooks": views,
            "next_cursor": next_cursor(found, where.limit),
        }
    )


@api.post(
    "/webhooks/{delivery_id}/replay",
    name="replay_webhook",
    answers={200: Answer("The new delivery (sent shortly)", m.DeliveryView), 404: E404},
)
async def replay_webhook(request: web.Request) -> web.StreamResponse:
    """Send a delivery again, whatever became of it (a copy, due now)."""
    ctx = context_of(request)
    async with ctx.store.begin() as uow:
        delivery = await uow.get_delivery(request.match_info["delivery_id"])
    if delivery is None:
        raise AdminProblem(404, "webhook_not_found", "no such webhook delivery")
    return json_response(delivery_view(await ctx.dispatcher.replay(delivery)))
