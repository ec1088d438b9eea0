"""The Paymentz endpoint table and what its handlers share: reading bodies, checking checksums,
finding a member's transactions, answering.

Paths are the real ones under the mount (``/paymentz/transactionServices/REST/v1/...``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from ...engine import Payment
from ...engine.money import InvalidAmount, to_minor
from ...openapi import Answer, Api
from ..base import Principal, json_response, plugin_of
from . import checksums, mapping
from .answers import ErrorAnswer
from .bodies import Body, Malformed, UnsupportedMediaType, body_of
from .models import Authentication, ListAuthentication
from .refusals import invalid, refused

if TYPE_CHECKING:
    from . import PaymentzPlugin

api = Api()
Model = TypeVar("Model", bound=BaseModel)

BASE = "/transactionServices/REST/v1"
SECURITY_SCHEMES: dict[str, Any] = {
    "AuthToken": {
        "type": "apiKey",
        "in": "header",
        "name": "AuthToken",
        "description": "The JWT POST /authToken answers (one hour); also accepted as "
        "'X-Authorization: AuthToken :<jwt>'.",
    }
}
ERRORS: dict[int, Answer] = {
    400: Answer("Missing or invalid parameter, malformed body (11001 to 11009)", ErrorAnswer),
    401: Answer(
        "Token missing, invalid or expired; bad memberId or sKey (12001 to 12004)", ErrorAnswer
    ),
    403: Answer("Checksum mismatch (11006)", ErrorAnswer),
    404: Answer("Record not found (10009), unknown endpoint (11007)", ErrorAnswer),
    405: Answer("Method not allowed (11008)", ErrorAnswer),
    409: Answer("The transaction does not allow it (13001 to 13010)", ErrorAnswer),
    415: Answer("Neither a form nor JSON (11004)", ErrorAnswer),
    500: Answer("Internal error (19001)", ErrorAnswer),
}


def paymentz(request: web.Request) -> PaymentzPlugin:
    return plugin_of(request)  # type: ignore[return-value]


async def body(request: web.Request) -> Body:
    """The body as one nested mapping (11003 if it is not one, 11004 if neither form nor JSON)."""
    try:
        return await body_of(request)
    except Malformed:
        raise refused(mapping.MALFORMED_BODY) from None
    except UnsupportedMediaType:
        raise refused(mapping.UNSUPPORTED_MEDIA_TYPE) from None


async def read(request: web.Request, model: type[Model]) -> Model:
    """The body (form or JSON, dotted or nested) validated as ``model``."""
    try:
        return model.model_validate(await body(request))
    except ValidationError as error:
        raise invalid(error) from None


def minor_amount(amount: str, currency: str) -> int:
    """An amount in minor units: positive, and no finer than the currency allows."""
    try:
        minor = to_minor(amount, currency)
    except InvalidAmount:
        raise refused(mapping.INVALID_PARAMETER, "amount") from None
    if minor <= 0:
        raise refused(mapping.INVALID_PARAMETER, "amount")
    return minor


@dataclass(frozen=True, slots=True)
class Call(Generic[Model]):
    """One authenticated request: the plugin serving it, who sent it, and what it asks."""

    plugin: PaymentzPlugin
    principal: Principal
    asked: Model

    @property
    def member(self) -> str:
        return self.principal.credential.key

    @property
    def key(self) -> str:
        """The member's secure key (sKey), what its checksums end or begin with."""
        return self.principal.credential.secret or ""

    def now(self) -> datetime:
        return self.plugin.context.clocks.now(self.principal.tenant)


async def receive(request: web.Request, model: type[Model]) -> Call[Model]:
    """The request's plugin, its (authenticated) sender and its body read as ``model``."""
    plugin = paymentz(request)
    return Call(plugin, plugin.principal(request), await read(request, model))


def verify(authentication: Authentication | ListAuthentication, expected: str) -> None:
    """Refuse the request unless its checksum is the expected one (11006)."""
    if not checksums.matches(authentication.checksum, expected):
        raise refused(mapping.INVALID_CHECKSUM)


def check_order(authentication: Authentication, expected: str, amount: str, currency: str) -> int:
    """A money-moving request's checksum, then its amount: the amount in minor units."""
    verify(authentication, expected)
    return minor_amount(amount, currency)


def answer(body: dict[str, Any], status: int = 200) -> web.Response:
    return json_response(body, status)


async def find(plugin: PaymentzPlugin, principal: Principal, payment_id: str) -> Payment:
    """The member's transaction with this paymentId, or 10009."""
    payment = await plugin.context.payments.find_by_alias(principal.scope(), payment_id)
    return _own(payment, principal)


async def find_by_reference(
    plugin: PaymentzPlugin, principal: Principal, merchant_transaction_id: str
) -> Payment:
    """The member's transaction with this merchantTransactionId, or 10009."""
    payment = await plugin.context.payments.find(principal.scope(), merchant_transaction_id)
    return _own(payment, principal)


async def find_registration(
    plugin: PaymentzPlugin, principal: Principal, registration_id: str
) -> Payment:
    """The member's payment that made this registration, or 10009."""
    payment = await plugin.context.payments.find_by_alias(principal.scope(), registration_id)
    if payment is not None and payment.details.get("registrationId") != registration_id:
        payment = None
    return _own(payment, principal)


def _own(payment: Payment | None, principal: Principal) -> Payment:
    if payment is None or payment.details.get("memberId") != principal.credential.key:
        raise refused(mapping.NOT_FOUND)
    return payment
