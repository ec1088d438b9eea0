"""Order information (GET of an order's operations, of one operation, webhook resend) and the
public endpoints: health check and operation receipts."""

from __future__ import annotations

import html

from aiohttp import web

from ...engine import Payment
from ...openapi import Answer
from ..base import ProviderPlugin, json_response, plugin_of
from . import auth, render, webhooks
from .endpoints import api, errors
from .mapping import NOT_FOUND
from .models import ErrorBody, ListedOperation


@api.get(
    "/api/v1/pos/{pos_id}/orders/{order_id}",
    name="order_status",
    answers={
        200: Answer("Every operation of the order, oldest first", list[ListedOperation]),
        **errors(401, 404),
    },
)
async def order_status(request: web.Request) -> web.StreamResponse:
    """The order's operations (a JSON array)."""
    _plugin, payment = await _order(request)
    return json_response(render.order_operations(payment))


@api.get(
    "/api/v1/pos/{pos_id}/orders/{order_id}/{operation}",
    name="operation_status",
    parameters=[
        {"name": "transactionId", "in": "query", "schema": {"type": "string"}},
        {"name": "callback", "in": "query", "schema": {"enum": ["true", "false"]}},
    ],
    answers={200: Answer("The newest operation of that kind", ListedOperation), **errors(401, 404)},
)
async def operation_status(request: web.Request) -> web.StreamResponse:
    """One operation of the order (purchase, auth, credit, lookup, p2p, capture, void,
    refund); with ``transactionId=…&callback=true`` its webhook is sent again."""
    plugin, payment = await _order(request)
    wanted = request.match_info["operation"]
    transaction_id = request.query.get("transactionId")
    ops = [op for op in payment.operations if render.method_of(payment, op) == wanted]
    if transaction_id:
        ops = [o for o in ops if transaction_id in (o.id, o.details.get("transaction_id"))]
    if not ops:
        if not payment.operations and payment.details.get("method") == wanted:
            return json_response(render.listed(payment, None))
        raise plugin.error(404, "Operation not found", NOT_FOUND)
    op = ops[-1]
    if request.query.get("callback") == "true":
        await plugin.context.payments.send(payment, webhooks.of_operation(payment, op))
    return json_response(render.listed(payment, op))


async def _order(request: web.Request) -> tuple[ProviderPlugin, Payment]:
    plugin = plugin_of(request)
    principal = await auth.check_pos(
        plugin, plugin.principal(request), request.match_info["pos_id"]
    )
    payment = await plugin.context.payments.find(principal.scope(), request.match_info["order_id"])
    if payment is None or payment.details.get("pos_id") != request.match_info["pos_id"]:
        raise plugin.payment_not_found()
    return plugin, payment


# --- public endpoints -----------------------------------------------------------------------


@api.get(
    "/health",
    name="health",
    public=True,
    answers={200: Answer("The service is up", str, media_type="text/plain")},
)
async def health(request: web.Request) -> web.StreamResponse:
    """Health check: ``OK``."""
    return web.Response(text="OK")


@api.get(
    "/public/receipt/{receipt_id}",
    name="receipt",
    public=True,
    answers={
        200: Answer("A receipt page", str, media_type="text/html"),
        404: Answer("No such receipt", ErrorBody),
    },
)
async def receipt(request: web.Request) -> web.StreamResponse:
    """The receipt of one operation (the ``receipt_url`` of secondary operations)."""
    plugin = plugin_of(request)
    payment_id, _, op_id = request.match_info["receipt_id"].partition(".")
    payment = await plugin.context.payments.get(payment_id)
    op = payment.operation(op_id) if payment and payment.provider == "tranzzo" else None
    if payment is None or op is None:
        raise plugin.error(404, "Receipt not found", NOT_FOUND)
    info = render.operation(payment, op)
    rows = "".join(
        f"<tr><th>{key}</th><td>{html.escape(str(info[key]))}</td></tr>"
        for key in (
            "order_id",
            "method",
            "amount",
            "currency",
            "status",
            "status_description",
            "created_at",
        )
    )
    return web.Response(
        text=f"<!doctype html><title>Receipt</title><h1>Receipt</h1><table>{rows}</table>",
        content_type="text/html",
    )
