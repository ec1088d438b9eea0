"""Secondary transactions on a transaction or an order: PostAuth (partial; several with
``splitShipment``), Void (same day; a void of a postAuth re-opens the preauth),
VoidPreAuthTransactions, Return (partial; their sum within what was captured) and
PreAuthSecondaryTransaction (incremental / decremental)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import (
    AdjustAuthorization,
    Capture,
    Command,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    Refund,
    RuleViolation,
    Void,
)
from ...openapi import Answer
from ...wire import DEFERRED
from ..base import Principal, ProviderPlugin
from .answers import TransactionResponse
from .endpoints import (
    STORE_ID,
    KeyedAnswer,
    api,
    errors,
    keyed,
    locate,
    merchant_alias,
    not_found,
    now_of,
    parse,
    principal,
    refused,
    request_key,
    violation,
)
from .mapping import NO_PREAUTH, VOID_AMOUNT_INVALID, Asked
from .models import (
    PostAuthTransaction,
    PreAuthSecondaryTransaction,
    ReturnTransaction,
    SecondaryTransaction,
    SplitShipment,
    VoidPreAuthTransactions,
    VoidTransaction,
)
from .payments import money, operation_details, transaction_id

K = OperationKind
OS = OperationStatus
SECONDARY: TypeAdapter[Any] = TypeAdapter(SecondaryTransaction, config=DEFERRED)
_MONEY_MOVING = (K.SALE, K.CAPTURE, K.CREDIT)

_ANSWERS = {
    200: Answer("The new secondary transaction", TransactionResponse),
    **errors(400, 401, 403, 404, 409, 415, 422, 500, 502),
}


@api.post(
    "/payments/{transaction_id}",
    name="submitSecondaryTransaction",
    body=SecondaryTransaction,
    parameters=[STORE_ID],
    answers=_ANSWERS,
)
@keyed
async def submit_secondary(request: web.Request) -> web.StreamResponse:
    """Post-authorise, void or return against a transaction (its ipgTransactionId or
    merchantTransactionId; an orderId is accepted too, as the LATAM docs use it)."""
    plugin, who = principal(request)
    tx = await parse(request, SECONDARY)
    wanted = request.match_info["transaction_id"]
    found = await locate(plugin, who, wanted)
    if found is not None:
        payment, target = found
        return await _secondary(request, plugin, who, tx, payment, target)
    order = await plugin.context.payments.find(who.scope(), wanted)
    if order is None:
        raise not_found()
    return await _secondary(request, plugin, who, tx, order, None)


@api.post(
    "/orders/{order_id}",
    name="submitSecondaryTransactionFromOrder",
    body=SecondaryTransaction,
    parameters=[STORE_ID],
    answers=_ANSWERS,
)
@keyed
async def submit_from_order(request: web.Request) -> web.StreamResponse:
    """Post-authorise, void or return against an order by its orderId."""
    plugin, who = principal(request)
    tx = await parse(request, SECONDARY)
    payment = await plugin.context.payments.find(who.scope(), request.match_info["order_id"])
    if payment is None:
        raise not_found()
    return await _secondary(request, plugin, who, tx, payment, None)


async def _secondary(
    request: web.Request,
    plugin: ProviderPlugin,
    who: Principal,
    tx: Any,
    payment: Payment,
    target: Operation | None,
) -> web.StreamResponse:
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    asked, kind, make = _command(tx, payment, target, now)

    def build(current: Payment) -> Sequence[Command]:
        op_id = transaction_id(plugin, current.id, len(current.operations) + 1)
        return [make(op_id, operation_details(plugin, tx, op_id), current)]

    keyed = KeyedAnswer(key, now)
    aliases = [merchant_alias(tx.merchantTransactionId)] if tx.merchantTransactionId else []
    try:
        decision = await plugin.context.payments.update(
            who.scope(),
            payment.reference,
            build,
            aliases=aliases,
            request=keyed.request,
        )
    except RuleViolation as broken:
        fresh = await plugin.context.payments.find(who.scope(), payment.reference)
        current = fresh or payment
        raise violation(
            broken,
            asked,
            now,
            payment=current,
            target=_void_target(current, target) if asked is Asked.VOID else target,
            transaction_type=kind,
        ) from None
    assert decision.operation is not None
    return keyed.response(decision)


Make = Callable[[str, dict[str, Any], Payment], Command]


def _command(
    tx: Any, payment: Payment, target: Operation | None, now: datetime
) -> tuple[Asked, str, Make]:
    """What the request asks of the engine: the rule context, the transaction type, and a
    maker of the command (given the new transaction id, its details, the fresh payment)."""
    if isinstance(tx, PostAuthTransaction):
        currency, minor = money(tx.transactionAmount, now, "POSTAUTH")
        split = tx.splitShipment
        return (
            Asked.POSTAUTH,
            "POSTAUTH",
            lambda op_id, d, p: Capture(op_id, minor, currency, _final(split, p), details=d),
        )
    if isinstance(tx, VoidTransaction):
        if tx.transactionAmount is not None:
            _check_void_amount(tx, payment, target, now)
        return (
            Asked.VOID,
            "VOID",
            lambda op_id, d, p: Void(op_id, _void_target_id(p, target), details=d),
        )
    if isinstance(tx, VoidPreAuthTransactions):
        primary = payment.primary
        if primary is None or primary.kind is not K.AUTH:
            raise refused(NO_PREAUTH, now, order_id=payment.reference, transaction_type="VOID")
        return Asked.VOID_PREAUTH, "VOID", lambda op_id, d, p: Void(op_id, primary.id, details=d)
    if isinstance(tx, ReturnTransaction):
        currency, minor = money(tx.transactionAmount, now, "RETURN")
        # A return named by a preauth (or its change) is a return on the order.
        by_order = target is None or target.kind in (K.AUTH, K.ADJUSTMENT)
        target_id = None if by_order or target is None else target.id
        return (
            Asked.RETURN,
            "RETURN",
            lambda op_id, d, p: Refund(op_id, minor, currency, target_id, details=d),
        )
    assert isinstance(tx, PreAuthSecondaryTransaction)
    currency, minor = money(tx.transactionAmount, now, "PREAUTH")
    delta = -minor if tx.decrementalFlag else minor
    return (
        Asked.ADJUST,
        "PREAUTH",
        lambda op_id, d, p: AdjustAuthorization(op_id, delta, currency, details=d),
    )


def _final(split: SplitShipment | None, payment: Payment) -> bool:
    """Without splitShipment a postAuth completes the preauth; with it, the final shipment
    (or the one that reaches totalCount, set here or on the preauth) does."""
    if split is None or split.finalShipment:
        return True
    total = split.totalCount or payment.details.get("split_total")
    done = sum(1 for op in payment.of_kind(K.CAPTURE) if op.status is OS.SUCCEEDED)
    return total is not None and done + 1 >= int(total)


def _void_target(payment: Payment, target: Operation | None) -> Operation | None:
    """What a void cancels: the named transaction, or (by order) its latest postAuth or sale,
    else its preauth."""
    if target is not None:
        return target
    moved = [
        op for op in payment.operations if op.kind in _MONEY_MOVING and op.status is OS.SUCCEEDED
    ]
    return moved[-1] if moved else payment.primary


def _void_target_id(payment: Payment, target: Operation | None) -> str | None:
    chosen = _void_target(payment, target)
    return chosen.id if chosen is not None else None


def _check_void_amount(
    tx: VoidTransaction, payment: Payment, target: Operation | None, now: datetime
) -> None:
    """An amount in a void must be the voided transaction's own (5007 otherwise)."""
    assert tx.transactionAmount is not None
    currency, minor = money(tx.transactionAmount, now, "VOID", zero=True)
    chosen = _void_target(payment, target)
    expected = payment.authorized if chosen is not None and chosen.kind is K.AUTH else None
    if chosen is not None and expected is None:
        expected = abs(chosen.amount)
    if currency != payment.currency or minor != expected:
        raise refused(VOID_AMOUNT_INVALID, now, order_id=payment.reference, transaction_type="VOID")
