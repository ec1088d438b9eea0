"""POST /v2/merchants/{merchantIdentifier}/transactionSessions: register a charge, or a
card-present refund of one, for the app to execute with the card."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...engine import Decision, Intent, Open, OperationKind, Payment, Register, RuleViolation
from ...engine.money import to_minor
from ...openapi import Answer
from ...ui.links import terminal_url
from ..base import json_response, origin_of
from . import auth, mapping, render
from .endpoints import ERRORS, MERCHANT, api, kept_with, next_in_group, payworks, refused
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
    kept = await kept_with(request, merchant, transaction.subject, transaction.customIdentifier)
    if isinstance(transaction, ChargeTransaction):
        decision = await _register_charge(request, transaction, merchant, kept)
    else:
        decision = await _register_refund(request, transaction, merchant, kept)
    assert decision.operation is not None
    body = render.session(ctx, decision.payment, decision.operation)
    return json_response(mapping.ok(body), 201)


async def _register_charge(
    request: web.Request, transaction: ChargeTransaction, merchant: str, kept: dict[str, Any]
) -> Decision:
    """A charge opens a group of its own, named by the tenant's next number."""
    plugin = payworks(request)
    ids = plugin.context.ids
    scope = plugin.principal(request).scope()
    number = await plugin.numbers.next(scope.tenant)
    identifier = ids.uuid("payworks-transaction", scope.tenant, number)
    payment_id = ids.uuid("payworks-payment", scope.tenant, number)
    details = {
        **kept,
        "session": ids.uuid("payworks-session", scope.tenant, number),
        "terminal_url": terminal_url(origin_of(request), payment_id, identifier),
    }
    opened = Open(
        payment_id,
        scope.tenant,
        plugin.name,
        identifier,
        transaction.currency,
        to_minor(transaction.amount, transaction.currency),
        Intent.SALE,
        {"merchant": merchant, "group": ids.uuid("payworks-group", scope.tenant, number)},
    )
    register = Register(identifier, OperationKind.SALE, details=details)
    return await plugin.context.payments.create(scope, identifier, [opened, register])


async def _register_refund(
    request: web.Request, transaction: RefundTransaction, merchant: str, kept: dict[str, Any]
) -> Decision:
    """A card-present refund joins its charge's group; the engine holds it to the exact
    amount. It is named by its place in the group."""
    plugin = payworks(request)
    ctx = plugin.context
    scope = plugin.principal(request).scope()
    charge_id = transaction.referencedTransactionIdentifier.lower()
    payment = await ctx.payments.find_by_alias(scope, charge_id)
    charge = payment.operation(charge_id) if payment is not None else None
    if payment is None or charge is None or payment.details.get("merchant") != merchant:
        raise refused(mapping.REFERENCE_NOT_FOUND, f"No transaction {charge_id}")
    minor = to_minor(transaction.amount, transaction.currency)
    origin = origin_of(request)

    def register(current: Payment) -> list[Register]:
        identifier, session = next_in_group(ctx.ids, current)
        details = {
            **kept,
            "session": session,
            "terminal_url": terminal_url(origin, current.id, identifier),
        }
        refund = OperationKind.REFUND
        return [Register(identifier, refund, minor, transaction.currency, charge_id, details)]

    try:
        return await ctx.payments.update(scope, payment.reference, register)
    except RuleViolation as violation:
        current = await ctx.payments.get(payment.id) or payment
        about = mapping.refund_state(current, current.operation(charge_id) or charge)
        raise plugin.violation(violation, about) from None
