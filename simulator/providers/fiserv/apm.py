"""GET and PATCH /payments/apm/{transaction-id}: the alternative-payment-method (APM) inquiry
and update. The sandbox serves no APM payment methods, so the inquiry finds any transaction and
no transaction ever waits for an APM update (409 50305)."""

from __future__ import annotations

from typing import Any, Literal

from aiohttp import web
from pydantic import TypeAdapter

from ...openapi import Answer
from .answers import TransactionResponse
from .endpoints import (
    STORE_ID,
    api,
    errors,
    locate,
    not_found,
    now_of,
    parse,
    principal,
    refused,
)
from .inquiry import transaction_inquiry
from .mapping import WRONG_STATE, transaction_type
from .models import _Open

ActionItem = dict[str, str]


class ApmAction(_Open):
    """``GetTransaction`` or ``UpdateTransaction`` with the data the APM asks for."""

    requestType: Literal["GetTransaction", "UpdateTransaction"]
    comments: str | None = None
    integrationData: list[ActionItem] | None = None
    consumerData: list[ActionItem] | None = None


ACTION: TypeAdapter[Any] = TypeAdapter(ApmAction)


# The APM inquiry answers as the transaction inquiry does (a GetTransaction body is not needed).
api.get(
    "/payments/apm/{transaction_id}",
    name="apmTransactionInquiry",
    summary="The state of a transaction, asked on the APM path",
    parameters=[STORE_ID],
    answers={
        200: Answer("The transaction", TransactionResponse),
        **errors(400, 401, 403, 404, 500),
    },
)(transaction_inquiry)


@api.patch(
    "/payments/apm/{transaction_id}",
    name="submitApmUpdateTransaction",
    body=ApmAction,
    answers={
        200: Answer("The APM transaction after the update", TransactionResponse),
        **errors(400, 401, 403, 404, 409, 415, 500),
    },
)
async def submit_apm_update_transaction(request: web.Request) -> web.StreamResponse:
    """Give an APM transaction the data it waits for (no served transaction ever waits)."""
    plugin, who = principal(request)
    await parse(request, ACTION)
    found = await locate(plugin, who, request.match_info["transaction_id"])
    if found is None:
        raise not_found()
    payment, op = found
    now = now_of(plugin, who)
    kind = transaction_type(payment, op)
    raise refused(WRONG_STATE, now, order_id=payment.reference, transaction_type=kind)
