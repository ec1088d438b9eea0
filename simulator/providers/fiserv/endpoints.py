"""The Fiserv endpoint table and what its handlers share: headers, body parsing, request keys,
locating transactions, and refusals in Fiserv's own envelope.

Paths are relative to the base path; the plugin serves the table under ``/gateway/v2`` and
``/ipp/payments-gateway/v2``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

from aiohttp import web
from pydantic import TypeAdapter, ValidationError

from ...engine import Decision, Operation, Payment, RuleViolation
from ...openapi import Answer, Api
from ...services.requests import (
    Answer as StoredAnswer,
)
from ...services.requests import (
    AnsweredBefore,
    KeyedRequest,
    KeyReused,
    RequestKey,
    answered_before,
    fingerprint,
    remember_now,
)
from .. import bodies
from ..base import ApiError, Principal, ProviderPlugin, json_response, plugin_of
from . import envelope, render
from .answers import ErrorResponse, TransactionErrorResponse
from .mapping import Asked, GatewayError, gateway_error

api = Api()
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: How long a Client-Request-Id and its answer are remembered (the signature's time limit).
REQUEST_KEY_TTL_SECONDS = 5 * 60


#: The gateway's request headers, documented as security schemes (all sent together).
SECURITY_SCHEMES: dict[str, Any] = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "Api-Key",
        "description": "Key given to the merchant after boarding.",
    },
    "ClientRequestId": {
        "type": "apiKey",
        "in": "header",
        "name": "Client-Request-Id",
        "description": "A client-generated id, unique per request (UUID recommended); a "
        "retry with the same id and request gets the first answer (5 minutes).",
    },
    "Timestamp": {
        "type": "apiKey",
        "in": "header",
        "name": "Timestamp",
        "description": "Epoch milliseconds; requests more than 5 minutes off real time are "
        "refused (the tenant's virtual clock plays no part).",
    },
    "MessageSignature": {
        "type": "apiKey",
        "in": "header",
        "name": "Message-Signature",
        "description": "Base64(HMAC-SHA256(secret, Api-Key + Client-Request-Id + Timestamp + "
        "body)); required whenever the sandbox knows the key's secret.",
    },
}
SECURITY: list[dict[str, list[str]]] = [
    {"ApiKey": [], "ClientRequestId": [], "Timestamp": [], "MessageSignature": []},
    {"ApiKey": [], "ClientRequestId": [], "Timestamp": []},
]
STORE_ID = {"name": "storeId", "in": "query", "required": False, "schema": {"type": "string"}}

_ERRORS: dict[int, Answer] = {
    400: Answer("The request cannot be validated.", ErrorResponse),
    401: Answer("The request cannot be authenticated.", ErrorResponse),
    403: Answer("Bad or expired Message-Signature, or a reused Client-Request-Id.", ErrorResponse),
    404: Answer("The requested resource doesn't exist.", ErrorResponse),
    409: Answer("Declined by the gateway's rules.", TransactionErrorResponse),
    415: Answer("Content-Type is not application/json.", ErrorResponse),
    422: Answer("Declined by the issuer.", TransactionErrorResponse),
    500: Answer("Internal error.", ErrorResponse),
    502: Answer("No answer from the processor.", TransactionErrorResponse),
}


def errors(*statuses: int) -> dict[int, Answer]:
    return {status: _ERRORS[status] for status in statuses}


# --- reading requests -------------------------------------------------------------------------


async def parse(request: web.Request, adapter: TypeAdapter[T]) -> T:
    """The JSON body as ``adapter``'s type; Fiserv's 400 or 415 otherwise."""
    if request.content_type != "application/json":
        raise envelope.error(415, envelope.UNSUPPORTED_MEDIA_TYPE, response_type=None)
    raw = await request.read()
    try:
        return bodies.validate_as(adapter, raw)
    except bodies.MalformedBody:
        raise envelope.bad_request(envelope.field("body", "malformed JSON")) from None
    except ValidationError as invalid:
        problems = invalid.errors(include_url=False)
        raise envelope.bad_request(*(_detail(p) for p in problems[:10])) from None


def _detail(problem: Any) -> dict[str, str]:
    """One pydantic problem as an ErrorResponse detail ({field, message})."""
    kind = problem["type"]
    if kind.startswith("union_tag"):  # the requestType / authenticationType discriminator
        name = problem["ctx"]["discriminator"].strip("'")
        return envelope.field(name, "may not be null" if kind.endswith("found") else problem["msg"])
    where = ".".join(str(part) for part in problem["loc"]) or "body"
    return envelope.field(where, "may not be null" if kind == "missing" else problem["msg"])


def principal(request: web.Request) -> tuple[ProviderPlugin, Principal]:
    plugin = plugin_of(request)
    return plugin, plugin.principal(request)


def now_of(plugin: ProviderPlugin, who: Principal) -> datetime:
    return plugin.context.clocks.now(who.tenant)


# --- request keys (Client-Request-Id) ---------------------------------------------------------


def request_key(request: web.Request, who: Principal, body: bytes) -> RequestKey:
    route = (request.match_info.route.name or "").partition(":")[0]
    path = "/".join([route, *(f"{k}={v}" for k, v in sorted(request.match_info.items()))])
    return RequestKey(
        who.tenant,
        "fiserv",
        request.headers[envelope.CLIENT_REQUEST_ID],
        fingerprint(request.method, path, body),
        REQUEST_KEY_TTL_SECONDS,
    )


class KeyedAnswer:
    """How a decision taken under a Client-Request-Id is answered: rendered once, both for the
    answer stored under the key (inside the unit of work) and for the response sent."""

    def __init__(self, key: RequestKey, now: datetime) -> None:
        self.request = KeyedRequest(key, self._render)
        self._now = now
        self._rendered: tuple[Decision, StoredAnswer] | None = None

    def _render(self, decision: Decision) -> StoredAnswer:
        if self._rendered is None or self._rendered[0] is not decision:  # a rerun decided anew
            assert decision.operation is not None
            status, body = render.answer(decision.payment, decision.operation, self._now)
            self._rendered = (decision, StoredAnswer(status, body))
        return self._rendered[1]

    def response(self, decision: Decision) -> web.Response:
        answer = self._render(decision)
        return json_response(answer.body, answer.status)


@dataclass(frozen=True, slots=True)
class KeyedCall:
    """A call answered outside the payment service (tokens, links, schedules ...) under its
    Client-Request-Id: a retry got its first answer already; its own answer is remembered."""

    plugin: ProviderPlugin
    who: Principal
    now: datetime
    key: RequestKey

    async def answer(self, body: Any, status: int = 200) -> web.StreamResponse:
        await remember_now(
            self.plugin.context.store, self.key, StoredAnswer(status, body), self.now
        )
        return json_response(body, status)


async def keyed_call(request: web.Request) -> KeyedCall:
    """The caller, the tenant's time and the request key; raises AnsweredBefore for a retry
    (use under ``@keyed``)."""
    plugin, who = principal(request)
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    await answered_before(plugin.context.store, key, now)
    return KeyedCall(plugin, who, now, key)


def keyed(handler: Handler) -> Handler:
    """Answer a retried request with its first answer; refuse a reused Client-Request-Id."""

    @wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except AnsweredBefore as before:
            return json_response(before.answer.body, before.answer.status)
        except KeyReused:
            raise envelope.edge(403, "Client-Request-Id has already been used") from None

    return wrapper


# --- transactions and refusals ----------------------------------------------------------------


async def locate(
    plugin: ProviderPlugin, who: Principal, transaction_id: str
) -> tuple[Payment, Operation] | None:
    """A transaction by its ipgTransactionId or merchantTransactionId."""
    payments = plugin.context.payments
    scope = who.scope()
    payment = await payments.find_by_alias(scope, transaction_id)
    op = payment.operation(transaction_id) if payment else None
    if payment is not None and op is not None:
        return payment, op
    payment = await payments.find_by_alias(scope, merchant_alias(transaction_id))
    if payment is not None:
        named = [
            o
            for o in payment.operations
            if o.details.get("merchant_transaction_id") == transaction_id
        ]
        if named:
            return payment, named[-1]
    return None


def merchant_alias(merchant_transaction_id: str) -> str:
    return f"mtid:{merchant_transaction_id}"


def not_found() -> ApiError:
    return envelope.edge(404, envelope.NOT_FOUND)


def refused(
    error: GatewayError,
    now: datetime,
    *,
    order_id: str | None = None,
    transaction_type: str | None = None,
) -> ApiError:
    body = render.refusal(error, now, order_id=order_id, transaction_type=transaction_type)
    return ApiError(409, body)


def violation(
    broken: RuleViolation,
    asked: Asked,
    now: datetime,
    *,
    payment: Payment | None = None,
    target: Operation | None = None,
    order_id: str | None = None,
    transaction_type: str | None = None,
) -> ApiError:
    error = gateway_error(broken.code, asked, payment, target)
    return refused(
        error,
        now,
        order_id=order_id or (payment.reference if payment else None),
        transaction_type=transaction_type,
    )
