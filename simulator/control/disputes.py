"""Disputes: the cardholder's bank contests a payment — open a dispute, move it, close it."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..engine import AdvanceDispute, DisputeStage, Payment
from ..openapi import Answer
from ..outcomes.disputes import reason_of
from ..providers.base import json_response
from ..services.payments import Scope
from . import models as m
from .arguments import context_of, payment_or_404, read_body
from .endpoints import E400, E404, E409, api
from .problems import AdminProblem
from .views import payment_view


@api.post(
    "/payments/{payment_id}/dispute",
    name="dispute_payment",
    body=m.DisputeRequest,
    answers={
        200: Answer("The payment with its disputes", m.PaymentView),
        400: E400,
        404: E404,
        409: E409,
    },
)
async def dispute_payment(request: web.Request) -> web.StreamResponse:
    """Open a dispute on a captured payment (inquiry or chargeback), or move its open one
    (an inquiry escalates to a chargeback; reversed, won or lost close it). The provider
    reports it as it documents (Macropay: chargeback and rdr notifications)."""
    ctx = context_of(request)
    body = await read_body(request, m.DisputeRequest)
    payment = await payment_or_404(ctx, request.match_info["payment_id"])
    if payment.provider not in ctx.plugins:
        raise AdminProblem(409, "unknown_provider", f"{payment.provider} is not served")

    def build(current: Payment) -> list[AdvanceDispute]:
        dispute_id = ctx.ids.uuid(current.id, "dispute", len(current.disputes) + 1)
        reason, details = _reason(body, opening=current.open_dispute is None)
        return [AdvanceDispute(dispute_id, DisputeStage(body.stage), body.amount, reason, details)]

    decision = await ctx.payments.update(
        Scope(payment.tenant, payment.provider), payment.reference, build
    )
    return json_response(payment_view(decision.payment))


def _reason(body: m.DisputeRequest, *, opening: bool) -> tuple[str, dict[str, Any]]:
    """The reason code and its category and description; a move without a reason keeps the
    dispute's own."""
    if body.reason is None and not opening:
        extra = {"category": body.category, "description": body.description}
        return "", {k: v for k, v in extra.items() if v is not None}
    reason = reason_of(body.reason)
    return reason.code, {
        "category": body.category or reason.category,
        "description": body.description if body.description is not None else reason.description,
    }
