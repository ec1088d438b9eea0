"""POST /payment-tokens, GET and DELETE /payment-tokens/{token-id}: cards stored behind tokens
(the sandbox keeps BIN, last four, brand, expiry and the card's magic behaviour — never the
number)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import Result
from ...openapi import Answer
from ...outcomes.card import CardFacts
from ...services.requests import Answer as StoredAnswer
from ...services.requests import answered_before, remember_now
from ..base import ApiError, json_response
from . import cards, envelope, render
from .answers import PaymentTokenizationErrorResponse as TokenRefusal
from .answers import PaymentTokenizationResponse
from .endpoints import (
    STORE_ID,
    api,
    errors,
    keyed,
    not_found,
    now_of,
    parse,
    principal,
    request_key,
)
from .mapping import GATEWAY, ISSUER
from .models import PaymentCardPaymentTokenizationRequest

TOKENIZE: TypeAdapter[Any] = TypeAdapter(PaymentCardPaymentTokenizationRequest)


@api.post(
    "/payment-tokens",
    name="createPaymentToken",
    body=PaymentCardPaymentTokenizationRequest,
    answers={
        200: Answer("The token", PaymentTokenizationResponse),
        409: Answer("A card number failing Luhn (2303) or expired (2304)", TokenRefusal),
        **errors(400, 401, 403, 415, 500),
    },
)
@keyed
async def create_payment_token(request: web.Request) -> web.StreamResponse:
    """Store a card behind a payment token (client-supplied value, or one the gateway makes)."""
    plugin, who = principal(request)
    body = await parse(request, TOKENIZE)
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    await answered_before(plugin.context.store, key, now)
    card = cards.read(body.paymentCard, now.date())
    _refuse_unusable(card.facts, now)
    value = (
        body.createToken.value
        or plugin.context.ids.uuid("fiserv-token", who.tenant, key.key).upper()
    )
    stored = await cards.issue(
        plugin.context.tokens,
        who.scope(),
        value,
        card.facts,
        card.profile,
        reusable=body.createToken.reusable,
        decline_duplicates=body.createToken.declineDuplicates,
    )
    answer = render.token(stored, "SUCCESS", now)
    await remember_now(plugin.context.store, key, StoredAnswer(200, answer), now)
    return json_response(answer)


@api.get(
    "/payment-tokens/{token_id}",
    name="getPaymentTokenDetails",
    parameters=[STORE_ID],
    answers={
        200: Answer("The token and its card", PaymentTokenizationResponse),
        **errors(400, 401, 403, 404, 500),
    },
)
async def get_payment_token_details(request: web.Request) -> web.StreamResponse:
    """A payment token and the card behind it."""
    plugin, who = principal(request)
    stored = await plugin.context.tokens.get(who.scope(), request.match_info["token_id"])
    if stored is None or not stored.active:
        raise not_found()
    return json_response(render.token(stored, "SUCCESS", now_of(plugin, who)))


@api.delete(
    "/payment-tokens/{token_id}",
    name="deletePaymentToken",
    parameters=[STORE_ID],
    answers={
        200: Answer("The deleted token", PaymentTokenizationResponse),
        **errors(400, 401, 403, 404, 500),
    },
)
@keyed
async def delete_payment_token(request: web.Request) -> web.StreamResponse:
    """Delete a payment token: later payments with it are refused."""
    plugin, who = principal(request)
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    await answered_before(plugin.context.store, key, now)
    tokens = plugin.context.tokens
    stored = await tokens.get(who.scope(), request.match_info["token_id"])
    if stored is None or not stored.active:
        raise not_found()
    await tokens.delete(who.scope(), stored.token)
    answer = render.token(stored, "DELETED", now)
    await remember_now(plugin.context.store, key, StoredAnswer(200, answer), now)
    return json_response(answer)


def _refuse_unusable(facts: CardFacts, now: datetime) -> None:
    """A number failing Luhn (2303) or an expired card (2304) is not tokenized."""
    if facts.outcome.result is not Result.FAILED:
        return
    decline = GATEWAY.get(facts.outcome.reason) or ISSUER[facts.outcome.reason]
    body = {
        **envelope.head(),
        "responseType": "GatewayDeclined",
        "requestStatus": "VALIDATION_FAILED",
        "requestTime": int(now.timestamp() * 1000),
        "error": {"code": decline.error_code, "message": decline.message},
    }
    raise ApiError(409, body)
