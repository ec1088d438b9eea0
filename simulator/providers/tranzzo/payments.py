"""POST /api/v1/payment: the primary operations — purchase, auth, credit, lookup (card
verification) and p2p — direct with card data or a token, or hosted on the payment page."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from aiohttp import web

from ...engine import APPROVED, CHALLENGE, Decision, Intent, Open, Payment, Result, Start
from ...openapi import Answer
from ...outcomes.card import CardFacts, InvalidCardNumber, read_card
from ...outcomes.challenge import remember_issuer_answer
from ...outcomes.codec import outcome_from_json, outcome_to_json
from ...services.payments import Scope
from ..base import CardForm, ProviderPlugin, json_response, origin_of, plugin_of
from . import auth, render
from .endpoints import api, errors, invalid, minor
from .magic import CARDS
from .models import PaymentRequest, PrimaryOperation

#: The engine's intent per Tranzzo method: a lookup checks the card and holds nothing; a p2p
#: transfer pays out to the receiver (sandbox reading: neither is refundable nor voidable).
INTENT = {
    "purchase": Intent.SALE,
    "auth": Intent.AUTH,
    "credit": Intent.CREDIT,
    "lookup": Intent.VERIFY,
    "p2p": Intent.CREDIT,
}
#: Methods whose card is never sent through 3-D Secure (payouts to the card).
_NO_3DS = frozenset({"credit"})
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
        **errors(400, 401, 406),
    },
)
async def create_payment(request: web.Request) -> web.StreamResponse:
    """Create a payment: purchase, auth, credit, lookup or p2p; direct (card data) or hosted
    (payment page)."""
    plugin = plugin_of(request)
    ctx = plugin.context
    body = await plugin.read(request, PaymentRequest)
    principal = await auth.check_pos(plugin, plugin.principal(request), body.pos_id)
    scope = principal.scope()
    amount = minor(body.amount, body.currency, "amount")
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
        amount,
        INTENT[body.method],
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
        expiration = _token_expiration(card.expiry_year, card.expiry_month)
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
    if method in _NO_3DS or bypass_3ds == "always":
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
            raise invalid("cc_number", "Invalid card number") from None
        if body.exp_month is None or body.exp_year is None:
            raise invalid("exp_month", "exp_month and exp_year are required")
        return card, _new_token(plugin, scope, body.order_id), True
    if body.cc_token:
        issuer = await plugin.context.payments.find_by_alias(scope, token_alias(body.cc_token))
        primary = issuer.primary if issuer else None
        if primary is None or "card" not in primary.details:
            raise invalid("cc_token", "Invalid cc_token")
        return _card_from_details(primary.details), body.cc_token, False
    raise invalid("cc_number", "cc_number or cc_token is required in direct mode")


def _new_token(plugin: ProviderPlugin, scope: Scope, order_id: str) -> str:
    return plugin.context.ids.uuid("tranzzo-token", scope.tenant, order_id).replace("-", "")


@lru_cache(maxsize=256)  # a few expiry months recur across all payments
def _token_expiration(year: int, month: int) -> str:
    """``2030-12-31T00:00:00``: a token lasts to the last day of the card's expiry month."""
    return f"{_last_day(year, month).isoformat()}T00:00:00"


def _last_day(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


async def pay_hosted(plugin: ProviderPlugin, payment: Payment, form: CardForm) -> Decision:
    """The customer paid on the hosted page: run the order's primary operation with that card."""
    ctx = plugin.context
    scope = Scope(payment.tenant, payment.provider)
    today = ctx.clocks.now(payment.tenant).date()
    try:
        card = read_card(form.number, form.expiry_month, form.expiry_year, today, CARDS)
    except InvalidCardNumber:
        raise invalid("cc_number", "Invalid card number") from None
    token = _new_token(plugin, scope, payment.reference)
    d = payment.details
    start = start_with_card(
        ctx.ids.uuid(payment.id, "op", 1), card, token, d["method"], d["order_3ds_bypass"]
    )
    return await ctx.payments.update(
        scope, payment.reference, lambda _p: [start], aliases=[token_alias(token)]
    )
