"""POST /card-verification (is this card good? nothing is held) and POST /card-information
(what the card's BIN says: brand, function, issuer and its country)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import APPROVED, Intent, Open, Result, RuleViolation, Start
from ...openapi import Answer
from ...outcomes.card import brand_of
from ...outcomes.issuers import issuer_of
from ...wire import WireModel
from ..base import json_response
from . import cards, envelope
from .answers import TransactionResponse
from .endpoints import (
    KeyedAnswer,
    api,
    errors,
    keyed,
    now_of,
    parse,
    principal,
    request_key,
    violation,
)
from .mapping import Asked
from .payments import generated_order_id, operation_details, order_details, transaction_id
from .resources import CardInfoLookupRequest, CardVerificationRequest

VERIFY: TypeAdapter[Any] = TypeAdapter(CardVerificationRequest)
LOOKUP: TypeAdapter[Any] = TypeAdapter(CardInfoLookupRequest)
#: ISO 4217's "no currency": a verification moves no money.
NO_CURRENCY = "XXX"


class CardInfo(WireModel):
    brand: str
    brandProductId: str
    cardFunction: str
    commercialCard: str
    issuerCountry: str
    issuerName: str


class CardInfoLookupResponse(WireModel):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    cardDetails: list[CardInfo]
    requestStatus: str


@api.post(
    "/card-verification",
    name="verifyCard",
    body=CardVerificationRequest,
    answers={
        200: Answer("The card is good: a CHECKED transaction", TransactionResponse),
        **errors(400, 401, 403, 409, 415, 422, 500),
    },
)
@keyed
async def verify_card(request: web.Request) -> web.StreamResponse:
    """Verify a payment card: the issuer checks it, nothing is authorized or held."""
    plugin, who = principal(request)
    body = await parse(request, VERIFY)
    key = request_key(request, who, await request.read())
    now = now_of(plugin, who)
    card = cards.read(body.paymentCard, now.date())
    order_id = generated_order_id(plugin, who, key)
    payment_id = plugin.context.ids.uuid("fiserv", who.tenant, order_id)
    op_id = transaction_id(plugin, payment_id, 1)
    details = order_details(plugin, request, who, body, card, order_id)
    if body.billingAddress:
        details["avs_address"] = body.billingAddress
    opened = Open(
        payment_id, who.tenant, "fiserv", order_id, NO_CURRENCY, 0, Intent.VERIFY, details
    )
    outcome = card.facts.outcome
    if outcome.result is Result.CHALLENGE:  # no 3-D Secure in a card verification
        outcome = APPROVED
    start = Start(op_id, outcome, {**operation_details(plugin, body, op_id),
                                   "card_mask": card.facts.masked})  # fmt: skip
    keyed = KeyedAnswer(key, now)
    try:
        decision = await plugin.context.payments.create(
            who.scope(), order_id, [opened, start], request=keyed.request
        )
    except RuleViolation as broken:
        raise violation(broken, Asked.PRIMARY, now, order_id=order_id) from None
    assert decision.operation is not None
    return keyed.response(decision)


@api.post(
    "/card-information",
    name="cardInfoLookup",
    body=CardInfoLookupRequest,
    answers={
        200: Answer("What the card's BIN says", CardInfoLookupResponse),
        **errors(400, 401, 403, 415, 500),
    },
)
async def card_info_lookup(request: web.Request) -> web.StreamResponse:
    """Look up a card's brand, function, product, issuer and issuing country by its BIN."""
    plugin, _who = principal(request)
    body = await parse(request, LOOKUP)
    bin_ = body.paymentCard.number[:6]
    brand = brand_of(bin_)
    details: list[dict[str, str]] = []
    if brand != "UNKNOWN":
        issuer = issuer_of(bin_, brand)
        bank = plugin.context.processor.details("fiserv-issuer", bin_).bank_name
        details.append(
            {
                "brand": brand,
                "brandProductId": issuer.product,
                "cardFunction": issuer.function,
                "commercialCard": "CORPORATE" if issuer.commercial else "NON_CORPORATE",
                "issuerCountry": issuer.country.alpha2,
                "issuerName": bank,
            }
        )
    answer = {
        **envelope.head(),
        "cardDetails": details,
        "requestStatus": "SUCCESS" if details else "LIST_EMPTY",
    }
    return json_response(answer)
