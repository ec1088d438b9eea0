"""POST /payments — debits (DB) and preauthorizations (PA) by card — and the repeated charges
of a registration (sandbox-defined path ``POST /registrations/{registrationId}/payments``).

Checks, in this order: the body (11001 to 11004), the checksum
``memberId|sKey|merchantTransactionId|amount`` (11006), the amount against the currency, the
card (11005, 11009, paymentBrand), then the rules: a merchantTransactionId is used once (13001).
A processed payment answers 200 whatever its result; ``transactionStatus`` tells it (Y, N, P,
or 3D with a ``redirect`` to the hosted ACS page).

``createRegistration=true`` answers a ``registrationId``: another name of this payment, stored
with it in one commit, whose kept card later charges reuse. A REPEATED charge names the
registration in its path, needs no card, is never challenged (the cardholder is not there), and
is refused (13009) until the registering (INITIAL) payment has succeeded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from ...engine import Decision, OperationStatus, Payment
from ...engine.recurrence import Charge, ChargeState, Sequence, check_next, start_chain, with_states
from ...openapi import Answer
from ..base import origin_of
from . import cards, checksums, mapping, render, threeds
from .answers import PaymentAnswer
from .endpoints import BASE, ERRORS, answer, api, check_order, find_registration, receive
from .models import PaymentRequest, RepeatedPaymentRequest, _Order
from .refusals import refused
from .transactions import NewTransaction, open_and_start, outcome_for

_ANSWERS = {
    200: Answer("Processed: transactionStatus Y, N, P, or 3D with a redirect", PaymentAnswer),
    **ERRORS,
}
_CHARGE_STATE = {
    OperationStatus.SUCCEEDED: ChargeState.SUCCEEDED,
    OperationStatus.PENDING: ChargeState.IN_FLIGHT,
    OperationStatus.ACTION_REQUIRED: ChargeState.IN_FLIGHT,
}


@api.post(f"{BASE}/payments", name="payments", body=PaymentRequest, answers=_ANSWERS)
async def payments(request: web.Request) -> web.StreamResponse:
    """Debit (DB) or preauthorize (PA) a card; 3-D Secure cards answer 3D with a redirect."""
    call = await receive(request, PaymentRequest)
    plugin, principal, asked, member = call.plugin, call.principal, call.asked, call.member
    expected = checksums.payment(member, call.key, asked.merchantTransactionId, asked.amount)
    check_order(asked.authentication, expected, asked.amount, asked.currency)
    if asked.recurringType == "REPEATED":
        raise refused(mapping.INVALID_PARAMETER, "recurringType")
    scope = principal.scope()
    now = plugin.context.clocks.now(scope.tenant)
    facts = cards.check(asked.card, asked.paymentBrand, asked.paymentMode, now.date())
    outcome, op_details = outcome_for(facts)
    details = {
        **order_details(request, asked),
        "paymentBrand": cards.brand_name(facts, asked.paymentBrand),
        "paymentMode": (asked.paymentMode or "CC").upper(),
        "recurringType": asked.recurringType,
    }
    aliases: tuple[str, ...] = ()
    if asked.createRegistration:
        name = plugin.context.ids.uuid(
            "paymentz-registration", scope.tenant, asked.merchantTransactionId
        )
        details["registrationId"] = name.replace("-", "")
        aliases = (details["registrationId"],)
    new = NewTransaction(
        member,
        asked.merchantTransactionId,
        mapping.INTENT_OF[asked.paymentType],
        asked.amount,
        asked.currency,
        details,
    )
    decision = await open_and_start(
        plugin, scope, new, facts, now, holder=asked.card.holder, outcome=outcome,
        op_details=op_details, aliases=aliases,
    )  # fmt: skip
    return answer(payment_body(decision, now))


@api.post(
    f"{BASE}/registrations/{{registrationId}}/payments",
    name="repeated_payment",
    body=RepeatedPaymentRequest,
    answers=_ANSWERS,
)
async def repeated_payment(request: web.Request) -> web.StreamResponse:
    """Charge a registered card again (REPEATED); sandbox-defined path, after OPPWA's."""
    call = await receive(request, RepeatedPaymentRequest)
    plugin, principal, asked, member = call.plugin, call.principal, call.asked, call.member
    expected = checksums.payment(member, call.key, asked.merchantTransactionId, asked.amount)
    check_order(asked.authentication, expected, asked.amount, asked.currency)
    initial = await find_registration(plugin, principal, request.match_info["registrationId"])
    now = plugin.context.clocks.now(principal.tenant)
    _check_repeatable(initial, now)
    kept = cards.of_payment(initial)
    assert kept is not None, "a registration is made by a card payment"
    facts = cards.facts_of(kept)  # a merchant-initiated charge: never challenged
    details = {
        **order_details(request, asked),
        "paymentBrand": initial.details.get("paymentBrand"),
        "paymentMode": initial.details.get("paymentMode"),
        "recurringType": "REPEATED",
        "registrationId": initial.details["registrationId"],
        "initialPaymentId": render.payment_id(initial),
    }
    new = NewTransaction(
        member,
        asked.merchantTransactionId,
        mapping.INTENT_OF[asked.paymentType],
        asked.amount,
        asked.currency,
        details,
    )
    decision = await open_and_start(
        plugin, principal.scope(), new, facts, now, holder=kept.get("holder")
    )
    return answer(payment_body(decision, now))


def _check_repeatable(initial: Payment, now: datetime) -> None:
    """The registering payment heads the recurrence: it must have succeeded (13009)."""
    first = initial.primary
    assert first is not None
    charge = Charge(initial.id, first.id, Sequence.INITIAL, initial.created_at)
    state = _CHARGE_STATE.get(first.status, ChargeState.FAILED)
    chain = with_states(
        start_chain(charge, initial.details["registrationId"], None), {first.id: state}
    )
    check_next(chain, Sequence.RECURRING, now)


def order_details(request: web.Request, asked: _Order) -> dict[str, Any]:
    """What a payment keeps of the request, for its answers, callbacks and redirects."""
    customer = asked.customer.model_dump(exclude_none=True) if asked.customer else {}
    return {
        "origin": origin_of(request),
        "notificationUrl": asked.notificationUrl,
        "merchantRedirectUrl": asked.merchantRedirectUrl,
        "orderDescriptor": asked.orderDescriptor,
        "customer": customer,
        "tmpl_amount": asked.tmpl_amount,
        "tmpl_currency": asked.tmpl_currency,
        "terminalId": asked.authentication.terminalId,
    }


def payment_body(decision: Decision, now: datetime) -> dict[str, Any]:
    """The answer to a new transaction; a challenge carries the redirect to the ACS."""
    payment, op = decision.payment, decision.operation
    assert op is not None
    redirect = None
    if op.status is OperationStatus.ACTION_REQUIRED:
        redirect = threeds.redirect(payment, op)
    return render.payment_answer(payment, op, now, redirect)
