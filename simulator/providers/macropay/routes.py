"""Macropay's endpoints under ``/macropay``: thin handlers — authenticate, parse, run, render."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...engine import Intent, Open, OperationKind, Payment, Refund
from ...engine.money import InvalidAmount, is_currency, to_minor
from ...openapi import Answer, Api
from ..base import json_response, origin_of, plugin_of
from . import mapping, pay, render
from .cards import refused
from .mids import Mids
from .models import (
    UUID_PATTERN,
    ErrorBody,
    GatewayMessage,
    Order,
    OrderRequest,
    PayAnswer,
    PayRequest,
    RefundAnswer,
    RefundRequest,
    Transaction,
)

if TYPE_CHECKING:
    from . import MacropayPlugin

api = Api()

_UUID = re.compile(UUID_PATTERN)
ERRORS = {
    400: Answer("Revup refused the request: see error.code and error.message", ErrorBody),
    403: Answer(
        "x-api-key missing or refused (or no such path and method, as API Gateway answers)",
        GatewayMessage,
    ),
    500: Answer("0900 Internal Server Error", ErrorBody),
}


def _plugin(request: web.Request) -> MacropayPlugin:
    return plugin_of(request)  # type: ignore[return-value]


def _uuid_param(request: web.Request, name: str) -> str:
    value = request.match_info[name]
    if not _UUID.match(value):
        raise refused(mapping.INVALID_REQUEST)
    return value.lower()


# --- orders ---------------------------------------------------------------------------------


@api.post(
    "/v2/orders",
    name="create_order",
    body=OrderRequest,
    answers={200: Answer("The order, valid for one hour", Order), **ERRORS},
)
async def create_order(request: web.Request) -> web.StreamResponse:
    """Create an order: everything about the payment but the card. It lives one hour."""
    plugin = _plugin(request)
    ctx = plugin.context
    body = await plugin.read(request, OrderRequest)
    scope = plugin.principal(request).scope()
    minor = to_minor(Decimal(str(body.money.amount)), body.money.currency)
    order_id = ctx.ids.uuid("macropay-order", scope.tenant, await plugin.orders.next(scope.tenant))
    details: dict[str, Any] = {
        "origin": origin_of(request),
        "order": body.model_dump(mode="json", exclude_none=True),
        "notificationUrl": body.notificationUrl,
        "redirectUrl": body.redirectUrl.model_dump() if body.redirectUrl else None,
        "generateToken": bool(body.generateToken),
        "sequence": body.sequence,
        "minPeriod": body.minPeriod,
        "parentTransactionId": body.parentTransactionId.lower()
        if body.parentTransactionId
        else None,
    }
    opened = Open(
        ctx.ids.uuid(order_id, "payment"),
        scope.tenant,
        plugin.name,
        order_id,
        body.money.currency,
        minor,
        Intent.SALE,
        details,
    )
    decision = await ctx.payments.create(scope, order_id, [opened])
    return json_response(render.order(decision.payment))


@api.post(
    "/v2/orders/{orderId}/pay",
    name="pay",
    body=PayRequest,
    answers={
        200: Answer(
            "The request reached the processor; transactionStatus tells the outcome", PayAnswer
        ),
        **ERRORS,
    },
)
async def pay_order(request: web.Request) -> web.StreamResponse:
    """Pay an order once: card data (credit_card) or a token (credit_card_token)."""
    plugin = _plugin(request)
    order_id = _uuid_param(request, "orderId")
    body = await plugin.read(request, PayRequest)
    principal = plugin.principal(request)
    mids = Mids.of(principal.credential.extra)
    decision = await pay.pay(plugin, principal.scope(), order_id, body, mids)
    assert decision.operation is not None
    return json_response(render.pay_answer(decision.payment, decision.operation))


# --- transactions ---------------------------------------------------------------------------


@api.post(
    "/v2/transactions/{transactionId}/refund",
    name="refund",
    body=RefundRequest,
    answers={200: Answer("The refund transaction", RefundAnswer), **ERRORS},
)
async def refund(request: web.Request) -> web.StreamResponse:
    """Refund a successful payment, fully or in part; refunds never exceed what was paid."""
    plugin = _plugin(request)
    ctx = plugin.context
    transaction_id = _uuid_param(request, "transactionId")
    body = await plugin.read(request, RefundRequest)
    scope = plugin.principal(request).scope()
    payment = await ctx.payments.find_by_alias(scope, transaction_id)
    op = payment.operation(transaction_id) if payment else None
    if payment is None or op is None:
        raise refused(mapping.NOT_FOUND)
    if op.kind is not OperationKind.SALE:
        raise refused(mapping.NOT_PERMITTED)
    currency = body.money.currency
    if not is_currency(currency) or currency != payment.currency:
        raise refused(mapping.INVALID_CURRENCY)
    try:
        amount = to_minor(Decimal(str(body.money.amount)), currency)
    except InvalidAmount:
        raise refused(mapping.INVALID_REQUEST) from None
    details = {"reason": body.reason}

    def build(current: Payment) -> list[Refund]:
        op_id = ctx.ids.uuid(current.id, "op", len(current.operations) + 1)
        return [Refund(op_id, amount, currency, transaction_id, details=details)]

    decision = await ctx.payments.update(scope, payment.reference, build)
    assert decision.operation is not None
    return json_response(render.refund_answer(decision.payment, decision.operation))


@api.get(
    "/v2/transactions/{transactionId}",
    name="transaction",
    answers={
        200: Answer("The transaction as it is now (sandbox-defined path and shape)", Transaction),
        **ERRORS,
    },
)
async def transaction(request: web.Request) -> web.StreamResponse:
    """A payment or refund transaction as it is now: status, money, token, refunds."""
    plugin = _plugin(request)
    transaction_id = _uuid_param(request, "transactionId")
    scope = plugin.principal(request).scope()
    payment = await plugin.context.payments.find_by_alias(scope, transaction_id)
    if payment is None:
        raise refused(mapping.NOT_FOUND)
    op = payment.operation(transaction_id)
    if op is not None:
        return json_response(render.transaction(payment, op))
    primary = payment.primary
    attempt = primary.details.get("fallback") if primary else None
    if primary is None or not attempt or attempt["transactionId"] != transaction_id:
        raise refused(mapping.NOT_FOUND)
    return json_response(render.fallback_transaction(payment, primary))


# --- documents ------------------------------------------------------------------------------
