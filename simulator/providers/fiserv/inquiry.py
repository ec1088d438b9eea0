"""GET /payments/{transaction-id} and GET /orders/{order-id}: what the gateway knows now.

Inquiries carry ``transactionResult`` and ``transactionState`` but no ``transactionStatus``
("not stored, not returned on GET inquiries"); a declined transaction is found with 200.
"""

from __future__ import annotations

from aiohttp import web

from ...openapi import Answer
from ..base import json_response
from . import render
from .answers import OrderResponse, TransactionResponse
from .endpoints import STORE_ID, api, errors, locate, not_found, now_of, principal


@api.get(
    "/payments/{transaction_id}",
    name="transactionInquiry",
    parameters=[STORE_ID],
    answers={
        200: Answer("The transaction", TransactionResponse),
        **errors(400, 401, 403, 404, 500),
    },
)
async def transaction_inquiry(request: web.Request) -> web.StreamResponse:
    """A transaction by its ipgTransactionId or merchantTransactionId."""
    plugin, who = principal(request)
    found = await locate(plugin, who, request.match_info["transaction_id"])
    if found is None:
        raise not_found()
    payment, op = found
    return json_response(render.transaction(payment, op, now_of(plugin, who), processing=False))


@api.get(
    "/orders/{order_id}",
    name="orderInquiry",
    parameters=[STORE_ID],
    answers={
        200: Answer("The order and its transactions", OrderResponse),
        **errors(400, 401, 403, 404, 500),
    },
)
async def order_inquiry(request: web.Request) -> web.StreamResponse:
    """An order by its orderId, with every transaction on it."""
    plugin, who = principal(request)
    payment = await plugin.context.payments.find(who.scope(), request.match_info["order_id"])
    if payment is None:
        raise not_found()
    return json_response(render.order(payment, now_of(plugin, who)))
