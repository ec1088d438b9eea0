"""Payments: list and inspect them, finish a 3-D Secure challenge or a pending operation."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..engine import OperationStatus, PaymentStatus
from ..openapi import Answer
from ..outcomes import scripted
from ..outcomes.challenge import accepted
from ..providers.base import json_response
from ..store import DeliveryFilter
from . import models as m
from .arguments import (
    context_of,
    optional_tenant,
    payment_or_404,
    read_body,
)
from .endpoints import E400, E404, E409, LIMIT_PARAM, TENANT_PARAMS, api
from .paging import MAX_LIMIT, limit_of, next_cursor, payment_filter
from .problems import AdminProblem
from .views import payment_view

_MINOR = "Requested amount, minor units (cents), bounds included"
_CURSOR = "The next_cursor of the previous page"


@api.get(
    "/payments",
    name="list_payments",
    parameters=[
        *TENANT_PARAMS,
        {"name": "provider", "in": "query", "schema": {"type": "string"}},
        {"name": "reference", "in": "query", "schema": {"type": "string"}},
        {"name": "status", "in": "query", "schema": {"enum": [s.value for s in PaymentStatus]}},
        {"name": "min_amount", "in": "query", "schema": {"type": "integer"}, "description": _MINOR},
        {"name": "max_amount", "in": "query", "schema": {"type": "integer"}, "description": _MINOR},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": _CURSOR},
        LIMIT_PARAM,
    ],
    answers={200: Answer("Payments, newest first, one page", m.PaymentList), 400: E400},
)
async def list_payments(request: web.Request) -> web.StreamResponse:
    """Payments, newest first, filtered by tenant, provider, reference, status, amount and
    creation time (tenant clock), a page at a time (``next_cursor``)."""
    ctx = context_of(request)
    limit = limit_of(request)
    where = payment_filter(request.query, optional_tenant(request), limit)
    page = await ctx.store.list_payments(where)
    # Rendering a page of a thousand is work too: a thread's, so other requests go on.
    views = await asyncio.to_thread(lambda: [payment_view(p) for p in page])
    return json_response({"payments": views, "next_cursor": next_cursor(page, limit)})


@api.get(
    "/payments/{payment_id}",
    name="get_payment",
    answers={
        200: Answer("The payment, its operations, history, webhooks and requests", m.PaymentView),
        404: E404,
    },
)
async def get_payment(request: web.Request) -> web.StreamResponse:
    """One payment with its operations, status history, webhook attempts and the requests
    that acted on it."""
    ctx = context_of(request)
    payment = await payment_or_404(ctx, request.match_info["payment_id"])
    deliveries = await ctx.store.list_deliveries(
        DeliveryFilter(payment_id=payment.id, limit=MAX_LIMIT)
    )
    exchanges = await ctx.store.list_exchanges(payment.id)
    return json_response(payment_view(payment, list(reversed(deliveries)), list(exchanges)))


@api.post(
    "/payments/{payment_id}/challenge",
    name="complete_challenge",
    body=m.ChallengeRequest,
    answers={
        200: Answer("The payment after the choice", m.PaymentView),
        400: E400,
        404: E404,
        409: E409,
    },
)
async def complete_challenge(request: web.Request) -> web.StreamResponse:
    """Decide the payment's 3-D Secure challenge as the hosted page would (approve, decline,
    abandon) — for tests without a browser."""
    ctx = context_of(request)
    body = await read_body(request, m.ChallengeRequest)
    payment = await payment_or_404(ctx, request.match_info["payment_id"])
    op = next((o for o in payment.operations if o.status is OperationStatus.ACTION_REQUIRED), None)
    if op is None:
        raise AdminProblem(409, "no_challenge", "the payment has no challenge waiting")
    plugin = ctx.plugins.get(payment.provider)
    if plugin is None:
        raise AdminProblem(409, "unknown_provider", f"{payment.provider} is not served")
    choices = accepted(plugin.challenge_choices(payment, op))
    if body.choice not in choices:
        raise AdminProblem(400, "unknown_choice", f"choose one of {', '.join(choices)}")
    decision = await plugin.finish_challenge(payment, op, body.choice)
    return json_response(payment_view(decision.payment))


@api.post(
    "/payments/{payment_id}/resolve",
    name="resolve_pending",
    body=m.ResolveRequest,
    answers={
        200: Answer("The payment after the resolution", m.PaymentView),
        400: E400,
        404: E404,
        409: E409,
    },
)
async def resolve_pending(request: web.Request) -> web.StreamResponse:
    """Finish a pending operation now, with the named outcome, without moving the clock."""
    ctx = context_of(request)
    body = await read_body(request, m.ResolveRequest)
    payment = await payment_or_404(ctx, request.match_info["payment_id"])
    waiting = [o for o in payment.operations if not o.status.is_final]
    op = next((o for o in waiting if body.operation_id in (None, o.id)), None)
    if op is None:
        raise AdminProblem(409, "not_pending", "no such pending operation")
    decision = await ctx.payments.resolve(payment, op.id, scripted.named(body.outcome))
    return json_response(payment_view(decision.payment))
