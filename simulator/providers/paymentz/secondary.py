"""POST /payments/{paymentId} — capture (CP), refund (RF), reversal (RV), inquiry (IN) — and
GET /payments/{paymentId}, the status after a redirect.

Rules (paymentz.md §3.6, seed 001), enforced by the engine and the policy: CP on a preauth,
full or partial, once, within the authorized amount; RF on a debited or captured payment,
within what was captured, once per transaction; RV on a preauth nothing was captured of, and
only in full. Checksums: ``memberId|sKey|paymentId|amount`` for CP and RF,
``memberId|sKey|paymentId`` for RV, IN and the GET (its fields in the query string).
"""

from __future__ import annotations

from aiohttp import web

from ...engine import Capture, Command, Payment, Refund, Void
from ...openapi import Answer
from . import checksums, mapping, render
from .answers import Inquiry, OperationAnswer
from .endpoints import (
    BASE,
    ERRORS,
    answer,
    api,
    find,
    minor_amount,
    receive,
    verify,
)
from .models import PAYMENT_ID_DIGITS_MAX, OperationRequest, StatusQuery
from .refusals import refused

_PATH = f"{BASE}/payments/{{paymentId}}"
_AUTHENTICATION_QUERY = [
    {"name": "authentication.memberId", "in": "query", "required": True,
     "schema": {"type": "string", "pattern": "^[0-9]{1,10}$"}},
    {"name": "authentication.checksum", "in": "query", "required": True,
     "schema": {"type": "string", "pattern": "^[0-9A-Fa-f]{32}$"},
     "description": "md5(memberId|sKey|paymentId)"},
]  # fmt: skip


@api.post(
    _PATH,
    name="payment_operation",
    body=OperationRequest,
    answers={
        200: Answer(
            "CP, RF, RV: the operation's result (00004, 00005, 00006, 10001); IN: the "
            "transaction (00026)",
            OperationAnswer | Inquiry,
        ),
        **ERRORS,
    },
)
async def payment_operation(request: web.Request) -> web.StreamResponse:
    """Capture, refund, reverse or inquire about a transaction."""
    payment_id = _payment_id(request)
    call = await receive(request, OperationRequest)
    plugin, principal, asked, member, key = (
        call.plugin, call.principal, call.asked, call.member, call.key
    )  # fmt: skip
    amount = asked.amount
    if asked.paymentType in (mapping.CAPTURE, mapping.REFUND):
        if amount is None:
            raise refused(mapping.MISSING_PARAMETER, "amount")
        verify(asked.authentication, checksums.with_amount(member, key, payment_id, amount))
    else:
        verify(asked.authentication, checksums.by_payment_id(member, key, payment_id))
    payment = await find(plugin, principal, payment_id)
    ctx = plugin.context
    if asked.paymentType == mapping.INQUIRY:
        return answer(render.inquiry(payment, ctx.clocks.now(principal.tenant)))
    minor = minor_amount(amount, payment.currency) if amount is not None else None
    currency = asked.currency

    def build(current: Payment) -> list[Command]:
        op_id = ctx.ids.uuid(current.id, "op", len(current.operations) + 1)
        match asked.paymentType:
            case mapping.CAPTURE:
                return [Capture(op_id, minor, currency)]
            case mapping.REFUND:
                return [Refund(op_id, minor, currency)]
            case _:
                return [Void(op_id, None, currency, amount=minor)]

    decision = await ctx.payments.update(principal.scope(), payment.reference, build)
    assert decision.operation is not None
    now = ctx.clocks.now(principal.tenant)
    return answer(render.operation_answer(decision.payment, decision.operation, now))


@api.get(
    _PATH,
    name="payment_status",
    parameters=_AUTHENTICATION_QUERY,
    answers={200: Answer("The transaction as it is now (00026)", Inquiry), **ERRORS},
)
async def payment_status(request: web.Request) -> web.StreamResponse:
    """A transaction's status, as the merchant reads it after the customer's redirect."""
    payment_id = _payment_id(request)
    call = await receive(request, StatusQuery)
    verify(call.asked.authentication, checksums.by_payment_id(call.member, call.key, payment_id))
    payment = await find(call.plugin, call.principal, payment_id)
    return answer(render.inquiry(payment, call.now()))


def _payment_id(request: web.Request) -> str:
    """The path's paymentId: digits, or no such record (10009)."""
    value = request.match_info["paymentId"]
    if not (value.isascii() and value.isdigit() and len(value) <= PAYMENT_ID_DIGITS_MAX):
        raise refused(mapping.NOT_FOUND)
    return value
