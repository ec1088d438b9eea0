"""Registered transactions: query one, abort one, refund one without the card (the last two
at sandbox-defined paths: payworks does not publish them)."""

from __future__ import annotations

from aiohttp import web

from ...engine import Cancel, Payment, Refund, RuleViolation
from ...engine.money import to_minor
from ...openapi import Answer
from ..base import json_response
from . import mapping, render
from .endpoints import ERRORS, TRANSACTION, api, kept_with, next_in_group, payworks, transaction_of
from .models import RefundRequest, TransactionAnswer


@api.get(
    "/v2/transactions/{transactionIdentifier}",
    name="get_transaction",
    parameters=TRANSACTION,
    answers={200: Answer("The transaction as it is now", TransactionAnswer), **ERRORS},
)
async def get_transaction(request: web.Request) -> web.StreamResponse:
    """A charge or refund transaction as it is now: status, details, refunds."""
    ctx = payworks(request).context
    payment, op = await transaction_of(request)
    return json_response(mapping.ok(render.transaction(ctx, payment, op)))


@api.post(
    "/v2/transactions/{transactionIdentifier}/abort",
    name="abort_transaction",
    parameters=TRANSACTION,
    answers={200: Answer("The transaction, ABORTED", TransactionAnswer), **ERRORS},
)
async def abort_transaction(request: web.Request) -> web.StreamResponse:
    """Abort a registered transaction before the app executes it (sandbox-defined path); once
    processing has started: 409 TransactionNoLongerAbortable."""
    plugin = payworks(request)
    payment, op = await transaction_of(request)
    scope = plugin.principal(request).scope()
    try:
        decision = await plugin.context.payments.update(
            scope, payment.reference, lambda _payment: [Cancel(op.id)]
        )
    except RuleViolation as violation:
        current = await plugin.context.payments.get(payment.id) or payment
        now = current.operation(op.id) or op
        raise plugin.violation(violation, f"it is {mapping.status_of(now)}") from None
    assert decision.operation is not None
    body = render.transaction(plugin.context, decision.payment, decision.operation)
    return json_response(mapping.ok(body))


@api.post(
    "/v2/transactions/{transactionIdentifier}/refunds",
    name="refund_transaction",
    body=RefundRequest,
    parameters=TRANSACTION,
    answers={201: Answer("The refund transaction", TransactionAnswer), **ERRORS},
)
async def refund_transaction(request: web.Request) -> web.StreamResponse:
    """Refund an approved charge without the card (sandbox-defined path): all or part of it,
    as often as the refunds stay within the charged amount."""
    plugin = payworks(request)
    ctx = plugin.context
    payment, op = await transaction_of(request)
    refund = (await plugin.read(request, RefundRequest)).refund
    scope = plugin.principal(request).scope()
    merchant = str(payment.details["merchant"])
    details = {
        **await kept_with(request, merchant, refund.subject, refund.customIdentifier),
        "without_card": True,
    }
    minor = to_minor(refund.amount, refund.currency)

    def refunded(current: Payment) -> list[Refund]:
        identifier, _session = next_in_group(ctx.ids, current)
        return [Refund(identifier, minor, refund.currency, op.id, details=details)]

    try:
        decision = await ctx.payments.update(scope, payment.reference, refunded)
    except RuleViolation as violation:
        current = await ctx.payments.get(payment.id) or payment
        about = mapping.refund_state(current, current.operation(op.id) or op)
        raise plugin.violation(violation, about) from None
    assert decision.operation is not None
    body = render.transaction(ctx, decision.payment, decision.operation)
    return json_response(mapping.ok(body), 201)
