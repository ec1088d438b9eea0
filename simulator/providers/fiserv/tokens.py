"""POST and PATCH /payment-tokens, GET and DELETE /payment-tokens/{token-id}: cards stored
behind tokens (the sandbox keeps BIN, last four, brand, expiry and the card's magic behaviour —
never the number)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import Result
from ...openapi import Answer
from ...outcomes.card import CardFacts
from ...services.tokens import StoredCard
from ...wire import WireModel
from ..base import ApiError, json_response
from . import cards, envelope, render
from .answers import PaymentTokenizationErrorResponse as TokenRefusal
from .answers import PaymentTokenizationResponse
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
)
from .mapping import GATEWAY, ISSUER
from .resources import PaymentCardPaymentTokenizationRequest, PaymentCardPaymentTokenUpdateRequest

TOKENIZE: TypeAdapter[Any] = TypeAdapter(PaymentCardPaymentTokenizationRequest)
UPDATE: TypeAdapter[Any] = TypeAdapter(PaymentCardPaymentTokenUpdateRequest)


class PaymentTokenUpdateResponse(WireModel):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    requestStatus: Literal["FAILED", "SUCCESS", "PARTIAL_SUCCESS"]
    requestTime: int
    errors: list[dict[str, str]] | None = None


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
    call = await keyed_call(request)
    plugin, who, now, key = call.plugin, call.who, call.now, call.key
    body = await parse(request, TOKENIZE)
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
    return await call.answer(answer)


@api.patch(
    "/payment-tokens",
    name="updatePaymentToken",
    body=PaymentCardPaymentTokenUpdateRequest,
    answers={
        200: Answer(
            "SUCCESS, PARTIAL_SUCCESS or FAILED, with an error per token not updated",
            PaymentTokenUpdateResponse,
        ),
        **errors(400, 401, 403, 415, 500),
    },
)
@keyed
async def update_payment_token(request: web.Request) -> web.StreamResponse:
    """Put new cards behind existing payment tokens (one request, up to 1000 tokens)."""
    call = await keyed_call(request)
    plugin, who, now = call.plugin, call.who, call.now
    body = await parse(request, UPDATE)
    tokens = plugin.context.tokens
    problems: list[dict[str, str]] = []
    for item in body.paymentTokens:
        stored = await tokens.get(who.scope(), item.value)
        card = cards.read(item.paymentCard, now.date())
        problem = _update_problem(stored, card.facts)
        if problem is not None:
            problems.append({"message": f"HOSTED_DATA_ID{item.value}. {problem}"})
            continue
        assert stored is not None
        facts = card.facts
        extra = {
            **stored.extra,
            "reusable": item.reusable,
            "decline_duplicates": item.declineDuplicates,
            "profile": card.profile,
        }
        await tokens.update(
            who.scope(), stored, bin=facts.bin, last4=facts.last4, length=facts.length,
            brand=facts.brand, expiry_month=facts.expiry_month, expiry_year=facts.expiry_year,
            outcome=facts.outcome, extra=extra,
        )  # fmt: skip
    updated = len(body.paymentTokens) - len(problems)
    status = "SUCCESS" if not problems else "PARTIAL_SUCCESS" if updated else "FAILED"
    answer: dict[str, Any] = {
        **envelope.head(),
        "requestStatus": status,
        "requestTime": int(now.timestamp() * 1000),
    }
    if problems:
        answer["errors"] = problems
    return await call.answer(answer)


def _update_problem(stored: StoredCard | None, facts: CardFacts) -> str | None:
    """Why a token cannot take this card (None: it can). Only BIN and last four are named."""
    if stored is None or not stored.active:
        return "Payment token not found"
    if facts.outcome.result is Result.FAILED:
        decline = GATEWAY.get(facts.outcome.reason) or ISSUER[facts.outcome.reason]
        return f"{decline.message}: {facts.bin}...{facts.last4}"
    return None


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
    call = await keyed_call(request)
    plugin, who, now = call.plugin, call.who, call.now
    tokens = plugin.context.tokens
    stored = await tokens.get(who.scope(), request.match_info["token_id"])
    if stored is None or not stored.active:
        raise not_found()
    await tokens.delete(who.scope(), stored.token)
    answer = render.token(stored, "DELETED", now)
    return await call.answer(answer)


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
