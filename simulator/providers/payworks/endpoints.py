"""payworks' endpoint table under ``/payworks``, and what its handlers share."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...engine import Operation, Payment
from ...ids import Ids
from ...openapi import Answer, Api
from ..base import ApiError, plugin_of
from . import mapping
from .mapping import ErrorType
from .models import UUID_PATTERN, ErrorBody

if TYPE_CHECKING:
    from . import PayworksPlugin

api = Api()

ERRORS = {
    400: Answer("ParameterMissing or ParameterInvalid: the body does not fit", ErrorBody),
    401: Answer(
        "ServerAuthenticationFailed: Authorization missing, malformed or refused", ErrorBody
    ),
    404: Answer(
        "MerchantNotFound, TransactionSessionNotFound, TransactionReferenceNotFound", ErrorBody
    ),
    409: Answer(
        "TransactionInvalid or TransactionNoLongerAbortable: the transaction does not allow it",
        ErrorBody,
    ),
    415: Answer("ParameterInvalid: the body is not sent as application/json", ErrorBody),
    500: Answer("ServerError", ErrorBody),
}

_UUID = re.compile(UUID_PATTERN)


def uuid_in_path(name: str) -> dict[str, object]:
    """A path parameter that is a UUID (anything else answers 404)."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": UUID_PATTERN},
    }


MERCHANT = [uuid_in_path("merchantIdentifier")]
TRANSACTION = [uuid_in_path("transactionIdentifier")]


def payworks(request: web.Request) -> PayworksPlugin:
    return plugin_of(request)  # type: ignore[return-value]


def refused(error: ErrorType, message: str) -> ApiError:
    return ApiError(error.status, mapping.error_body(error, message))


def next_in_group(ids: Ids, group: Payment) -> tuple[str, str]:
    """The transaction and session identifiers of the next transaction of a group (refunds),
    named by its place in the group, so that they repeat in seeded runs."""
    place = len(group.operations) + 1
    return ids.uuid("payworks-transaction", group.id, place), ids.uuid(
        "payworks-session", group.id, place
    )


async def kept_with(
    request: web.Request, merchant: str, subject: str | None, custom_identifier: str | None
) -> dict[str, Any]:
    """What every transaction keeps: its subject, the merchant's own identifier, the mode,
    and the webhook URL registered for the merchant now."""
    plugin = payworks(request)
    tenant = plugin.principal(request).tenant
    webhooks = plugin.context.merchant_webhooks
    return {
        "description": subject,
        "customIdentifier": custom_identifier,
        "mode": mapping.MODE,
        "webhook_url": await webhooks.url_for(tenant, plugin.name, merchant),
    }


async def transaction_of(request: web.Request) -> tuple[Payment, Operation]:
    """The transaction named by ``{transactionIdentifier}``, as of now on the tenant clock
    (a session that lapsed a moment ago reads as lapsed)."""
    plugin = payworks(request)
    ctx = plugin.context
    given = request.match_info["transactionIdentifier"]
    if not _UUID.match(given):
        raise refused(mapping.SESSION_NOT_FOUND, f"No transaction {given[:64]}")
    identifier = given.lower()
    scope = plugin.principal(request).scope()
    payment = await ctx.payments.find_by_alias(scope, identifier)
    due = payment.due_at if payment is not None else None
    if payment is not None and due is not None and due <= ctx.clocks.now(scope.tenant):
        ticked = await ctx.payments.tick(scope.tenant, payment.id)
        payment = ticked.payment if ticked is not None else payment
    op = payment.operation(identifier) if payment is not None else None
    if payment is None or op is None:
        raise refused(mapping.SESSION_NOT_FOUND, f"No transaction {identifier}")
    return payment, op
