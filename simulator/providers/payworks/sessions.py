"""POST /v2/merchants/{merchantIdentifier}/transactionSessions: register a charge, or a
card-present refund of one, for the app to execute with the card."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from ...engine import Decision, Intent, Open, OperationKind, Register, RuleViolation
from ...engine.money import to_minor
from ...openapi import Answer
from ...ui.links import terminal_url
from ..base import json_response, origin_of
from . import auth, mapping, render
from .endpoints import ERRORS, MERCHANT, api, kept_with, payworks, refused
from .models import ChargeTransaction, RefundTransaction, RegisterRequest, SessionAnswer


@api.post(
    "/v2/merchants/{merchantIdentifier}/transactionSessions",
    name="register_transaction",
    body=RegisterRequest,
    parameters=MERCHANT,
    answers={201: Answer("The session for the app, valid 15 minutes", SessionAnswer), **ERRORS},
)
async def register_transaction(request: web.Request) -> web.StreamResponse:
    """Register a CHARGE, or a card-present REFUND of an approved charge (exactly its amount
    and currency), for the app to execute with the card within 15 minutes."""
    plugin = payworks(request)
    ctx = plugin.context
    principal = plugin.principal(request)
    merchant = auth.merchant_of(plugin, principal, request.match_info["merchantIdentifier"])
    transaction = (await plugin.read(request, RegisterRequest)).transaction
    if transaction.mode == "LIVE":
        raise refused(
            mapping.PARAMETER_INVALID, "transaction.mode: the test platform takes mode TEST"
        )
    scope = principal.scope()
    number = await plugin.numbers.next(scope.tenant)
    identifier = ctx.ids.uuid("payworks-transaction", scope.tenant, number)
    details: dict[str, Any] = {
        "session": ctx.ids.uuid("payworks-session", scope.tenant, number),
        **await kept_with(request, merchant, transaction.subject, transaction.customIdentifier),
    }
    minor = to_minor(Decimal(str(transaction.amount)), transaction.currency)
    origin = origin_of(request)
    decision: Decision
    if isinstance(transaction, ChargeTransaction):
        payment_id = ctx.ids.uuid("payworks-payment", scope.tenant, number)
        group = ctx.ids.uuid("payworks-group", scope.tenant, number)
        details["terminal_url"] = terminal_url(origin, payment_id, identifier)
        opened = Open(
            payment_id,
            scope.tenant,
            plugin.name,
            identifier,
            transaction.currency,
            minor,
            Intent.SALE,
            {"merchant": merchant, "group": group},
        )
        register = Register(identifier, OperationKind.SALE, details=details)
        decision = await ctx.payments.create(scope, identifier, [opened, register])
    else:
        decision = await _register_refund(request, transaction, merchant, identifier, details)
    registered = decision.payment.operation(identifier)
    assert registered is not None
    return json_response(mapping.ok(render.session(ctx, decision.payment, registered)), 201)


async def _register_refund(
    request: web.Request,
    transaction: RefundTransaction,
    merchant: str,
    identifier: str,
    details: dict[str, Any],
) -> Decision:
    """A card-present refund names its charge; the engine holds it to the exact amount."""
    plugin = payworks(request)
    ctx = plugin.context
    scope = plugin.principal(request).scope()
    charge_id = transaction.referencedTransactionIdentifier.lower()
    payment = await ctx.payments.find_by_alias(scope, charge_id)
    charge = payment.operation(charge_id) if payment is not None else None
    if payment is None or charge is None or payment.details.get("merchant") != merchant:
        raise refused(mapping.REFERENCE_NOT_FOUND, f"No transaction {charge_id}")
    details["terminal_url"] = terminal_url(origin_of(request), payment.id, identifier)
    minor = to_minor(Decimal(str(transaction.amount)), transaction.currency)
    register = Register(
        identifier, OperationKind.REFUND, minor, transaction.currency, charge_id, details
    )
    try:
        return await ctx.payments.update(scope, payment.reference, lambda _payment: [register])
    except RuleViolation as violation:
        current = await ctx.payments.get(payment.id) or payment
        about = mapping.refund_state(current, current.operation(charge_id) or charge)
        raise plugin.violation(violation, about) from None
