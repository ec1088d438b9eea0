"""PATCH /payments/{transaction-id}: the merchant moves 3-D Secure on — the 3DS method's
status, then the ACS's ``cRes`` (3DS 2) or ``PaRes`` (3DS 1.0), after which the authorization
is made. A PATCH on a finished transaction is 409 30056 (as recorded)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import Command, Payment, Resolve
from ...openapi import Answer
from ...wire import DEFERRED
from . import envelope, threeds
from .answers import TransactionResponse
from .endpoints import (
    KeyedAnswer,
    api,
    errors,
    keyed,
    locate,
    not_found,
    now_of,
    parse,
    principal,
    refused,
    request_key,
)
from .mapping import ALREADY_FINISHED, NO_METHOD_WAITING, WRONG_STATE, transaction_type
from .models import AuthenticationUpdate, Secure3D10AuthenticationUpdateRequest
from .payments import after_primary

UPDATE: TypeAdapter[Any] = TypeAdapter(AuthenticationUpdate, config=DEFERRED)


@api.patch(
    "/payments/{transaction_id}",
    name="finalizeSecureTransaction",
    body=AuthenticationUpdate,
    answers={
        200: Answer(
            "The transaction: WAITING for the next step, or its result", TransactionResponse
        ),
        **errors(400, 401, 403, 404, 409, 415, 422, 500, 502),
    },
)
@keyed
async def finalize_secure_transaction(request: web.Request) -> web.StreamResponse:
    """Update a 3-D Secure transaction: methodNotificationStatus, acsResponse.cRes, or (3DS
    1.0) payerAuthenticationResponse."""
    plugin, who = principal(request)
    update = await parse(request, UPDATE)
    found = await locate(plugin, who, request.match_info["transaction_id"])
    if found is None:
        raise not_found()
    payment, op = found
    now = now_of(plugin, who)
    key = request_key(request, who, await request.read())
    step = _step(update)

    def refuse(error: Any) -> Exception:
        kind = transaction_type(payment, op)
        return refused(error, now, order_id=payment.reference, transaction_type=kind)

    def build(current: Payment) -> list[Command]:
        fresh = current.operation(op.id)
        if fresh is None or not fresh.kind.is_primary or fresh.status.is_final:
            raise refuse(ALREADY_FINISHED)
        phase = threeds.phase_of(fresh)
        if step == "method":
            if phase != threeds.METHOD:
                raise refuse(NO_METHOD_WAITING)
            outcome, details = threeds.after_method(fresh)
        else:
            version_ok = (threeds.version_of(fresh) == "1.0") == (step == "pares")
            if phase != threeds.AUTHENTICATED or not version_ok:
                raise refuse(WRONG_STATE)
            outcome, details = threeds.finalize(fresh)
        return [Resolve(fresh.id, outcome, details)]

    keyed = KeyedAnswer(key, now)
    decision = await plugin.context.payments.update(
        who.scope(), payment.reference, build, request=keyed.request
    )
    assert decision.operation is not None
    await after_primary(plugin, who, decision.payment)
    return keyed.response(decision)


def _step(update: Any) -> str:
    if isinstance(update, Secure3D10AuthenticationUpdateRequest):
        return "pares"
    given = [update.methodNotificationStatus is not None, update.acsResponse is not None]
    if given.count(True) != 1:
        raise envelope.bad_request(
            envelope.field(
                "methodNotificationStatus",
                "send exactly one of methodNotificationStatus, acsResponse",
            )
        )
    return "method" if given[0] else "cres"
