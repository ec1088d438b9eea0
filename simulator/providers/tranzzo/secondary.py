"""Secondary operations on an order: capture (plain or split among sub-merchants), void and
refund."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from ...engine import Capture, Command, Decision, Payment, Refund, Void
from ...openapi import Answer
from ..base import Principal, ProviderPlugin, json_response, plugin_of
from . import auth, render
from .endpoints import api, errors, minor, optional_minor
from .models import (
    CaptureRequest,
    RefundRequest,
    SecondaryOperation,
    SecondaryWithSplit,
    SplitCaptureRequest,
    VoidRequest,
)

Make = Callable[[str, dict[str, Any]], Command]


@api.post(
    "/api/v1/capture",
    name="capture",
    body=CaptureRequest,
    answers={
        200: Answer("The capture operation", SecondaryOperation),
        **errors(400, 401, 404, 406),
    },
)
async def capture(request: web.Request) -> web.StreamResponse:
    """Capture a successful auth, fully or partially (``charge_amount``)."""
    plugin, principal, body = await _secondary(request, CaptureRequest)
    amount = optional_minor(body.charge_amount, body.order_currency, "charge_amount")
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Capture(op_id, amount, body.order_currency, details=details),
    )
    return _answer(decision)


@api.post(
    "/api/v1/split/capture",
    name="split_capture",
    body=SplitCaptureRequest,
    answers={
        200: Answer("The capture operation, with the split it was shared in", SecondaryWithSplit),
        **errors(400, 401, 404, 406),
    },
)
async def split_capture(request: web.Request) -> web.StreamResponse:
    """Capture ``charge_amount`` of a successful auth, shared among sub-merchants (``split``);
    the capture rules apply as to a plain capture."""
    plugin, principal, body = await _secondary(request, SplitCaptureRequest)
    amount = minor(body.charge_amount, body.order_currency, "charge_amount")
    split = [
        {
            "sub_merchant_id": part.merchant,
            "amount": render.amount_of(
                minor(part.amount, body.order_currency, "split.amount"), body.order_currency
            ),
        }
        for part in body.split
    ]
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Capture(
            op_id, amount, body.order_currency, details={**details, "split": split}
        ),
    )
    return _answer(decision)


@api.post(
    "/api/v1/void",
    name="void",
    body=VoidRequest,
    answers={200: Answer("The void operation", SecondaryOperation), **errors(400, 401, 404, 406)},
)
async def void(request: web.Request) -> web.StreamResponse:
    """Void (cancel) a successful auth; there is no amount: the whole hold is released."""
    plugin, principal, body = await _secondary(request, VoidRequest)
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Void(op_id, None, body.order_currency, details=details),
    )
    return _answer(decision)


@api.post(
    "/api/v1/refund",
    name="refund",
    body=RefundRequest,
    answers={
        200: Answer("The refund operation", SecondaryOperation),
        **errors(400, 401, 404, 406),
    },
)
async def refund(request: web.Request) -> web.StreamResponse:
    """Refund a successful purchase or capture, fully or partially (``refund_amount``, or the
    legacy ``amount``)."""
    plugin, principal, body = await _secondary(request, RefundRequest)
    wanted, field = (
        (body.refund_amount, "refund_amount")
        if body.refund_amount is not None
        else (body.amount, "amount")
    )
    amount = optional_minor(wanted, body.order_currency, field)
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Refund(op_id, amount, body.order_currency, details=details),
    )
    return _answer(decision)


def _answer(decision: Decision) -> web.StreamResponse:
    assert decision.operation is not None
    return json_response(render.secondary(decision.payment, decision.operation))


async def _secondary(
    request: web.Request, model: type[Any]
) -> tuple[ProviderPlugin, Principal, Any]:
    plugin = plugin_of(request)
    body = await plugin.read(request, model)
    principal = await auth.check_pos(plugin, plugin.principal(request), body.pos_id)
    return plugin, principal, body


async def _update(plugin: ProviderPlugin, principal: Principal, body: Any, make: Make) -> Decision:
    ids = plugin.context.ids

    def build(payment: Payment) -> list[Command]:
        if payment.details.get("pos_id") != body.pos_id:
            raise plugin.payment_not_found()
        op_id = ids.uuid(payment.id, "op", len(payment.operations) + 1)
        details: Mapping[str, Any] = {
            "transaction_id": ids.uuid(op_id, "transaction"),
            "comment": body.comment,
            "server_url": body.server_url,
        }
        return [make(op_id, dict(details))]

    return await plugin.context.payments.update(principal.scope(), body.order_id, build)
