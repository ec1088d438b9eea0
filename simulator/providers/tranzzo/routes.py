"""Tranzzo's endpoints under ``/tranzzo``: thin handlers — authenticate, parse, run, render."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from typing import Any

from aiohttp import web

from ...engine import (
    APPROVED,
    CHALLENGE,
    Capture,
    Decision,
    Intent,
    Open,
    Payment,
    Refund,
    Result,
    Start,
    Void,
)
from ...engine.money import InvalidAmount, to_minor
from ...openapi import Answer, Api
from ...outcomes.card import CardFacts, InvalidCardNumber, read_card
from ...outcomes.challenge import remember_issuer_answer
from ...outcomes.codec import outcome_from_json, outcome_to_json
from ...services.payments import Scope
from ..base import (
    ApiError,
    CardForm,
    Principal,
    ProviderPlugin,
    json_response,
    origin_of,
    plugin_of,
)
from . import auth, render, webhooks
from .magic import CARDS
from .mapping import INVALID_PARAMS, METHOD, NOT_FOUND, error_body
from .models import (
    CaptureRequest,
    ErrorBody,
    PaymentRequest,
    PrimaryOperation,
    RefundRequest,
    SecondaryOperation,
    VoidRequest,
)

api = Api()

_ERRORS = {
    400: Answer(
        "Bad or incomplete parameters, or an operation the order does not allow", ErrorBody
    ),
    401: Answer("Invalid POS_ID, API_KEY, API_SECRET or ENDPOINTS_KEY", ErrorBody),
    404: Answer("Endpoint or payment record not found", ErrorBody),
    406: Answer("POST without application/json content", ErrorBody),
    500: Answer("Internal error: check the order status", ErrorBody),
}
_INTENT = {"purchase": Intent.SALE, "auth": Intent.AUTH, "credit": Intent.CREDIT}
#: Request fields the order keeps, to answer with them later.
_KEPT_FIELDS = (
    "mode",
    "method",
    "description",
    "server_url",
    "result_url",
    "payload",
    "order_3ds_bypass",
    "customer_id",
    "customer_ip",
    "customer_fname",
    "customer_lname",
    "customer_email",
    "customer_phone",
    "customer_country",
)


def _errors(*statuses: int) -> dict[int, Answer]:
    return {status: _ERRORS[status] for status in statuses}


# --- primary operations ---------------------------------------------------------------------


@api.post(
    "/api/v1/payment",
    name="payment",
    body=PaymentRequest,
    answers={
        200: Answer("The payment; in hosted mode with its redirect_url", PrimaryOperation),
        302: Answer(
            "Hosted mode without Accept: application/json: the payment page",
            PrimaryOperation,
            headers={"Location": "The hosted payment page"},
        ),
        **_errors(400, 401, 406),
    },
)
async def create_payment(request: web.Request) -> web.StreamResponse:
    """Create a payment: purchase, auth or credit; direct (card data) or hosted (payment page)."""
    plugin = plugin_of(request)
    ctx = plugin.context
    body = await plugin.read(request, PaymentRequest)
    principal = await auth.check_pos(plugin, plugin.principal(request), body.pos_id)
    scope = principal.scope()
    minor = _minor(plugin, body.amount, body.currency, "amount")
    payment_id = ctx.ids.uuid("tranzzo", scope.tenant, body.pos_id, body.order_id)
    generated = ctx.processor.details(payment_id, locale="uk_UA")
    details: dict[str, Any] = {
        **{name: getattr(body, name) for name in _KEPT_FIELDS},
        "pos_id": body.pos_id,
        "origin": origin_of(request),
        "api_key": principal.credential.key,
        "mcc": body.merchant_mcc or "5999",
        "bank_short_name": generated.bank_name,
        "gateway_order_id": generated.terminal_id + generated.rrn[:2],
        "billing_order_id": generated.rrn[2:],
    }
    card: CardFacts | None = None
    aliases: list[str] = []
    if body.mode == "direct":
        today = ctx.clocks.now(scope.tenant).date()
        card, token, issued = await _card_of(plugin, scope, body, today)
        aliases = [token_alias(token)] if issued else []
    opened = Open(
        payment_id,
        scope.tenant,
        "tranzzo",
        body.order_id,
        body.currency,
        minor,
        _INTENT[body.method],
        details,
    )
    if card is None:  # hosted: the order waits for the customer on the payment page
        decision = await ctx.payments.create(scope, body.order_id, [opened])
        answer = render.primary(decision.payment, None)
        if "application/json" in request.headers.get("Accept", ""):
            return json_response(answer)
        return json_response(answer, 302, {"Location": answer["redirect_url"]})
    start = start_with_card(
        ctx.ids.uuid(payment_id, "op", 1), card, token, body.method, body.order_3ds_bypass
    )
    decision = await ctx.payments.create(scope, body.order_id, [opened, start], aliases=aliases)
    return json_response(render.primary(decision.payment, decision.operation))


def card_details(card: CardFacts, token: str) -> dict[str, Any]:
    """What the operation keeps of its card: the mask and token it answers with, and the
    facts a later payment with that token reuses (never the number)."""
    expiration = None
    if card.expiry_year and card.expiry_month:
        last_day = _last_day(card.expiry_year, card.expiry_month)
        expiration = f"{last_day.isoformat()}T00:00:00"
    return {
        "cc_mask": card.masked,
        "cc_token": token,
        "cc_token_expiration": expiration,
        "card": {**card.kept(), "outcome": outcome_to_json(card.outcome)},
    }


def token_alias(token: str) -> str:
    """A card token is an alias of the payment that issued it."""
    return f"cc_token:{token}"


def _card_from_details(details: Any) -> CardFacts:
    card = details["card"]
    return CardFacts(
        card["bin"],
        card["last4"],
        card["length"],
        card["brand"],
        card["expiry_month"],
        card["expiry_year"],
        outcome_from_json(card["outcome"]),
    )


def start_with_card(op_id: str, card: CardFacts, token: str, method: str, bypass_3ds: str) -> Start:
    """The primary operation for a card, applying order_3ds_bypass (sandbox reading):
    ``always`` skips 3-D Secure, ``supported`` challenges only cards that ask for it,
    ``never`` challenges every card. Credits are never challenged."""
    card_outcome = outcome = card.outcome
    wants_challenge = outcome.result is Result.CHALLENGE
    if method == "credit" or bypass_3ds == "always":
        outcome = APPROVED if wants_challenge else outcome
    elif bypass_3ds == "never" and outcome.is_final:
        outcome = CHALLENGE
    op_details: dict[str, Any] = card_details(card, token)
    if outcome.result is Result.CHALLENGE:
        op_details.update(remember_issuer_answer(APPROVED if wants_challenge else card_outcome))
    elif outcome.result is Result.APPROVED:
        op_details["eci"] = "07"
    return Start(op_id, outcome, op_details)


async def _card_of(
    plugin: ProviderPlugin, scope: Scope, body: PaymentRequest, today: date
) -> tuple[CardFacts, str, bool]:
    """The card of a direct payment and its token: a card number gets a new token; a token
    (issued by an earlier payment of the tenant) brings back that payment's card."""
    if body.cc_number:
        try:
            card = read_card(body.cc_number, body.exp_month, body.exp_year, today, CARDS)
        except InvalidCardNumber:
            raise _invalid(plugin, "cc_number", "Invalid card number") from None
        if body.exp_month is None or body.exp_year is None:
            raise _invalid(plugin, "exp_month", "exp_month and exp_year are required")
        return card, _new_token(plugin, scope, body.order_id), True
    if body.cc_token:
        issuer = await plugin.context.payments.find_by_alias(scope, token_alias(body.cc_token))
        primary = issuer.primary if issuer else None
        if primary is None or "card" not in primary.details:
            raise _invalid(plugin, "cc_token", "Invalid cc_token")
        return _card_from_details(primary.details), body.cc_token, False
    raise _invalid(plugin, "cc_number", "cc_number or cc_token is required in direct mode")


def _new_token(plugin: ProviderPlugin, scope: Scope, order_id: str) -> str:
    return plugin.context.ids.uuid("tranzzo-token", scope.tenant, order_id).replace("-", "")


# --- secondary operations -------------------------------------------------------------------


@api.post(
    "/api/v1/capture",
    name="capture",
    body=CaptureRequest,
    answers={
        200: Answer("The capture operation", SecondaryOperation),
        **_errors(400, 401, 404, 406),
    },
)
async def capture(request: web.Request) -> web.StreamResponse:
    """Capture a successful auth, fully or partially (``charge_amount``)."""
    plugin, principal, body = await _secondary(request, CaptureRequest)
    amount = _optional_minor(plugin, body.charge_amount, body.order_currency, "charge_amount")
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Capture(op_id, amount, body.order_currency, details=details),
    )
    return json_response(render.secondary(decision.payment, decision.operation))


@api.post(
    "/api/v1/void",
    name="void",
    body=VoidRequest,
    answers={200: Answer("The void operation", SecondaryOperation), **_errors(400, 401, 404, 406)},
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
    return json_response(render.secondary(decision.payment, decision.operation))


@api.post(
    "/api/v1/refund",
    name="refund",
    body=RefundRequest,
    answers={
        200: Answer("The refund operation", SecondaryOperation),
        **_errors(400, 401, 404, 406),
    },
)
async def refund(request: web.Request) -> web.StreamResponse:
    """Refund a successful purchase or capture, fully or partially (``refund_amount``)."""
    plugin, principal, body = await _secondary(request, RefundRequest)
    amount = _optional_minor(plugin, body.refund_amount, body.order_currency, "refund_amount")
    decision = await _update(
        plugin,
        principal,
        body,
        lambda op_id, details: Refund(op_id, amount, body.order_currency, details=details),
    )
    return json_response(render.secondary(decision.payment, decision.operation))


async def _secondary(
    request: web.Request, model: type[Any]
) -> tuple[ProviderPlugin, Principal, Any]:
    plugin = plugin_of(request)
    body = await plugin.read(request, model)
    principal = await auth.check_pos(plugin, plugin.principal(request), body.pos_id)
    return plugin, principal, body


async def _update(plugin: ProviderPlugin, principal: Principal, body: Any, command: Any) -> Any:
    ids = plugin.context.ids

    def build(payment: Payment) -> list[Any]:
        if payment.details.get("pos_id") != body.pos_id:
            raise plugin.payment_not_found()
        op_id = ids.uuid(payment.id, "op", len(payment.operations) + 1)
        details = {
            "transaction_id": ids.uuid(op_id, "transaction"),
            "comment": body.comment,
            "server_url": body.server_url,
        }
        return [command(op_id, details)]

    return await plugin.context.payments.update(principal.scope(), body.order_id, build)


# --- order information ----------------------------------------------------------------------


@api.get(
    "/api/v1/pos/{pos_id}/orders/{order_id}",
    name="order_status",
    answers={
        200: Answer(
            "Every operation of the order, oldest first",
            list[PrimaryOperation | SecondaryOperation],
        ),
        **_errors(401, 404),
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
    answers={
        200: Answer("The newest operation of that kind", PrimaryOperation | SecondaryOperation),
        **_errors(401, 404),
    },
)
async def operation_status(request: web.Request) -> web.StreamResponse:
    """One operation of the order (purchase, auth, capture, void, refund); with
    ``transactionId=…&callback=true`` its webhook is sent again."""
    plugin, payment = await _order(request)
    wanted = request.match_info["operation"]
    transaction_id = request.query.get("transactionId")
    op = render.latest(payment, wanted)
    if transaction_id:
        op = next(
            (
                o
                for o in payment.operations
                if transaction_id in (o.id, o.details.get("transaction_id"))
                and METHOD.get(o.kind) == wanted
            ),
            None,
        )
    if op is None:
        if render.is_primary_method(wanted) and payment.details.get("method") == wanted:
            return json_response(render.primary(payment, None))
        raise plugin.error(404, "Operation not found", NOT_FOUND)
    if request.query.get("callback") == "true":
        await plugin.context.payments.send(payment, webhooks.of_operation(payment, op))
    return json_response(render.operation(payment, op))


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


# --- helpers --------------------------------------------------------------------------------


def _minor(plugin: ProviderPlugin, amount: Decimal, currency: str, field: str) -> int:
    try:
        return to_minor(amount, currency)
    except InvalidAmount:
        raise _invalid(
            plugin, field, f"Invalid value for {field}: too many decimals for {currency}"
        ) from None


def _optional_minor(
    plugin: ProviderPlugin, amount: Decimal | None, currency: str, field: str
) -> int | None:
    return None if amount is None else _minor(plugin, amount, currency, field)


def _invalid(plugin: ProviderPlugin, field: str, violation: str) -> ApiError:
    return ApiError(
        400,
        error_body(
            f"Invalid {field} provided", INVALID_PARAMS, field_name=field, violation=violation
        ),
    )


def _last_day(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


async def pay_hosted(plugin: ProviderPlugin, payment: Payment, form: CardForm) -> Decision:
    """The customer paid on the hosted page: run the order's purchase/auth with that card."""
    ctx = plugin.context
    scope = Scope(payment.tenant, payment.provider)
    today = ctx.clocks.now(payment.tenant).date()
    try:
        card = read_card(form.number, form.expiry_month, form.expiry_year, today, CARDS)
    except InvalidCardNumber:
        raise _invalid(plugin, "cc_number", "Invalid card number") from None
    token = _new_token(plugin, scope, payment.reference)
    d = payment.details
    start = start_with_card(
        ctx.ids.uuid(payment.id, "op", 1), card, token, d["method"], d["order_3ds_bypass"]
    )
    return await ctx.payments.update(
        scope, payment.reference, lambda _p: [start], aliases=[token_alias(token)]
    )
