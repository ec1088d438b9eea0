"""POST, GET and DELETE /payment-url: payment links — an order the cardholder pays on the
sandbox's hosted checkout page (with 3-D Secure there when ``authenticateTransaction``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from aiohttp import web
from pydantic import TypeAdapter, ValidationError

from ...engine import (
    CancelOrder,
    Decision,
    Intent,
    Open,
    Payment,
    PaymentStatus,
    Result,
    RuleViolation,
    Start,
)
from ...openapi import Answer
from ...outcomes.card import InvalidCardNumber
from ...services.payments import Scope
from ...services.requests import Answer as StoredAnswer
from ...services.requests import KeyedRequest
from ...store import PaymentFilter
from ...ui.links import checkout_url
from ...wire import WireModel
from ..base import CardForm, Principal, ProviderPlugin, json_response, origin_of
from . import cards, envelope, threeds
from .endpoints import (
    STORE_ID,
    api,
    errors,
    keyed,
    keyed_call,
    not_found,
    now_of,
    parse,
    principal,
    refused,
    request_key,
    violation,
)
from .magic import PROFILES
from .mapping import WRONG_STATE, Asked
from .payments import generated_order_id, money, processor_numbers, transaction_id
from .resources import PaymentUrlRequest

CREATE: TypeAdapter[Any] = TypeAdapter(PaymentUrlRequest)
#: How long a link lives without ``expiration`` (sandbox-defined).
DEFAULT_LIFETIME = timedelta(days=30)
_INTENT = {"SALE": Intent.SALE, "PREAUTH": Intent.AUTH}
Status = Literal["Created", "Used", "Expired", "Cancelled"]


class PaymentUrlResponse(WireModel):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    requestStatus: Literal["SUCCESS"]
    orderId: str
    paymentUrl: str
    expiration: int
    transactionId: str


class PaymentUrlDetail(WireModel):
    paymentUrl: str
    expiration: int
    orderId: str
    requestTime: int
    status: Status


class PaymentUrlDetailResponse(WireModel):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    paymentUrlDetails: list[PaymentUrlDetail]


@api.post(
    "/payment-url",
    name="createPaymentUrl",
    body=PaymentUrlRequest,
    answers={
        200: Answer("The link to the hosted payment page", PaymentUrlResponse),
        **errors(400, 401, 403, 409, 415, 500),
    },
)
@keyed
async def create_payment_url(request: web.Request) -> web.StreamResponse:
    """Create a payment link: an order paid on the hosted checkout page."""
    plugin, who = principal(request)
    body = await parse(request, CREATE)
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    if body.transactionType not in _INTENT:
        raise envelope.bad_request(
            envelope.field("transactionType", "SALE or PREAUTH (the types a link can pay)")
        )
    currency, minor = money(body.transactionAmount, now, body.transactionType)
    expires = now + DEFAULT_LIFETIME
    if body.expiration is not None:
        expires = datetime.fromtimestamp(body.expiration, now.tzinfo)
        if expires <= now:
            raise envelope.bad_request(envelope.field("expiration", "must be in the future"))
    order_id = body.orderId or generated_order_id(plugin, who, key)
    payment_id = plugin.context.ids.uuid("fiserv", who.tenant, order_id)
    details: dict[str, Any] = {
        "origin": origin_of(request),
        "request_type": f"PaymentUrl{body.transactionType}",
        "link": {"created": int(now.timestamp()), "authenticate": body.authenticateTransaction},
        "description": body.hostedPaymentPageText or body.dynamicMerchantName or "",
        "store_id": body.storeId or who.credential.extra.get("store_id"),
        "terminal_id": plugin.context.ids.digits(8, "fiserv-terminal", who.credential.key),
        "merchant_id": plugin.context.ids.digits(15, "fiserv-merchant", who.credential.key),
        "billing": body.billing,
        "shipping": body.shipping,
    }
    intent = _INTENT[body.transactionType]
    opened = Open(payment_id, who.tenant, "fiserv", order_id, currency, minor, intent, details,
                  expires_at=expires)  # fmt: skip
    first = transaction_id(plugin, payment_id, 1)
    keyed_link = KeyedRequest(key, lambda d: StoredAnswer(200, _link(d.payment, first)))
    try:
        decision = await plugin.context.payments.create(
            who.scope(), order_id, [opened], aliases=[first], request=keyed_link
        )
    except RuleViolation as broken:
        raise violation(broken, Asked.PRIMARY, now, order_id=order_id) from None
    return json_response(_link(decision.payment, first))


@api.get(
    "/payment-url",
    name="paymentUrlDetail",
    parameters=[
        STORE_ID,
        {"name": "fromDate", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "toDate", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "orderId", "in": "query", "schema": {"type": "string"}},
        {"name": "status", "in": "query", "schema": {"type": "string"}},
    ],
    answers={
        200: Answer("The links created in the time range", PaymentUrlDetailResponse),
        **errors(400, 401, 403, 404, 500),
    },
)
async def payment_url_detail(request: web.Request) -> web.StreamResponse:
    """Payment links created between ``fromDate`` and ``toDate`` (epoch seconds)."""
    plugin, who = principal(request)
    since, until = _epoch(request, "fromDate"), _epoch(request, "toDate")
    order_id = request.query.get("orderId")
    wanted = request.query.get("status")
    now = now_of(plugin, who)
    where = PaymentFilter(who.tenant, "fiserv", order_id, limit=10_000)
    found = []
    for payment in await plugin.context.store.list_payments(where):
        link = payment.details.get("link")
        if link is None or not since <= link["created"] <= until:
            continue
        detail = _detail(payment, now)
        if wanted is None or detail["status"] == wanted:
            found.append(detail)
    if order_id is not None and not found:
        raise not_found()
    return json_response({**envelope.head(), "paymentUrlDetails": found})


@api.delete(
    "/payment-url",
    name="deletePaymentUrl",
    parameters=[
        STORE_ID,
        {"name": "orderId", "in": "query", "schema": {"type": "string"}},
        {"name": "paymentUrlId", "in": "query", "schema": {"type": "string"}},
        {"name": "transactionId", "in": "query", "schema": {"type": "string"}},
    ],
    answers={
        200: Answer("The cancelled link", PaymentUrlResponse),
        **errors(400, 401, 403, 404, 409, 500),
    },
)
@keyed
async def delete_payment_url(request: web.Request) -> web.StreamResponse:
    """Cancel an unpaid payment link (by orderId, paymentUrlId or transactionId)."""
    call = await keyed_call(request)
    plugin, who, now = call.plugin, call.who, call.now
    payment = await _find_link(plugin, who, request)
    try:
        decision = await plugin.context.payments.update(
            who.scope(), payment.reference, lambda _p: [CancelOrder()]
        )
    except RuleViolation:
        raise refused(WRONG_STATE, now, order_id=payment.reference) from None
    first = transaction_id(plugin, payment.id, 1)
    return await call.answer(_link(decision.payment, first))


# --- the hosted page ------------------------------------------------------------------------


async def pay_hosted(plugin: ProviderPlugin, payment: Payment, form: CardForm) -> Decision:
    """The cardholder paid a link on the hosted checkout page."""
    link = payment.details.get("link")
    if link is None:
        raise plugin.error(404, "This order has no payment page")
    now = plugin.context.clocks.now(payment.tenant)
    try:
        card = cards.read_form(
            form.number, form.expiry_month, form.expiry_year, form.cvv, now.date()
        )
    except (InvalidCardNumber, ValidationError):
        raise envelope.bad_request(envelope.field("paymentCard", "invalid card")) from None
    op_id = transaction_id(plugin, payment.id, 1)
    after = threeds.issuer_answer(card.facts.outcome)
    details: dict[str, Any] = {"card_mask": card.facts.masked, **processor_numbers(plugin, op_id)}
    outcome = after
    if link["authenticate"] and card.facts.outcome.result is not Result.FAILED:
        outcome, extra = threeds.hosted(PROFILES[card.profile], after)
        details.update(extra)
    kept = cards.stored_facts(card)
    try:
        return await plugin.context.payments.update(
            Scope(payment.tenant, payment.provider),
            payment.reference,
            lambda _p: [Start(op_id, outcome, {**details, "card": kept})],
        )
    except RuleViolation as broken:
        raise plugin.violation(broken) from None


# --- parts ----------------------------------------------------------------------------------


def _link(payment: Payment, first: str) -> dict[str, Any]:
    assert payment.expires_at is not None
    return {
        **envelope.head(),
        "requestStatus": "SUCCESS",
        "orderId": payment.reference,
        "paymentUrl": checkout_url(payment.details["origin"], payment.id),
        "expiration": int(payment.expires_at.timestamp()),
        "transactionId": first,
    }


def _detail(payment: Payment, now: datetime) -> dict[str, Any]:
    assert payment.expires_at is not None
    return {
        "paymentUrl": checkout_url(payment.details["origin"], payment.id),
        "expiration": int(payment.expires_at.timestamp()),
        "orderId": payment.reference,
        "requestTime": payment.details["link"]["created"],
        "status": _status(payment, now),
    }


def _status(payment: Payment, now: datetime) -> Status:
    if payment.status is PaymentStatus.CANCELLED:
        return "Cancelled"
    if payment.status is PaymentStatus.EXPIRED:
        return "Expired"
    if payment.status is PaymentStatus.CREATED:
        lapsed = payment.expires_at is not None and payment.expires_at <= now
        return "Expired" if lapsed else "Created"
    return "Used"


def _epoch(request: web.Request, name: str) -> int:
    value = request.query.get(name, "")
    if not value.isdigit():
        raise envelope.bad_request(envelope.field(name, "may not be null"))
    return int(value)


async def _find_link(plugin: ProviderPlugin, who: Principal, request: web.Request) -> Payment:
    payments = plugin.context.payments
    scope = who.scope()
    order_id = request.query.get("orderId")
    link_id = request.query.get("paymentUrlId")
    first = request.query.get("transactionId")
    found: Payment | None = None
    if order_id:
        found = await payments.find(scope, order_id)
    elif link_id:
        found = await payments.get(link_id)
        if found is not None and (found.tenant, found.provider) != (scope.tenant, "fiserv"):
            found = None
    elif first:
        found = await payments.find_by_alias(scope, first)
    else:
        raise envelope.bad_request(
            envelope.field("orderId", "name the link: orderId, paymentUrlId or transactionId")
        )
    if found is None or "link" not in found.details:
        raise not_found()
    return found
