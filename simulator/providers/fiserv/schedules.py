"""/payment-schedules: gateway-managed recurring sales, charged on the tenant clock.

A schedule is an order of its own (its ``orderId``) that never pays itself: it carries the
schedule's wake-up time, and each due run is a SALE on an order of its own
(``{orderId}-{run}``) with the schedule's card. Runs stop after ``numberOfPayments``, or once
``maximumFailures`` runs have failed (state ``Inactivated``), or when the schedule is deleted
(``Cancelled``). Its details are a stored document; the runs are payments like any other.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import (
    APPROVED,
    CancelOrder,
    Intent,
    Open,
    OperationStatus,
    Payment,
    Result,
    RuleViolation,
    Start,
    Violation,
    WakeAt,
)
from ...engine.recurrence import Period
from ...openapi import Answer
from ...services.mutex import Mutexes
from ...services.payments import Scope
from ...wire import DEFERRED, WireModel
from ..base import Principal, ProviderPlugin, json_response, origin_of
from . import cards, envelope, render
from .answers import OrderResponse
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
    refused,
    violation,
)
from .mapping import ORDER_EXISTS, REFERENCED_NOT_FOUND, WRONG_STATE, Asked
from .payments import (
    generated_order_id,
    money,
    order_details,
    processor_numbers,
    transaction_id,
)
from .resources import (
    PaymentMethodPaymentSchedulesPatchRequest,
    PaymentMethodPaymentSchedulesRequest,
    PaymentSchedulesPatchRequest,
    PaymentSchedulesRequest,
)

CREATE: TypeAdapter[Any] = TypeAdapter(PaymentSchedulesRequest, config=DEFERRED)
UPDATE: TypeAdapter[Any] = TypeAdapter(PaymentSchedulesPatchRequest, config=DEFERRED)
_KIND = "fiserv:schedule"
INSTALLED, INACTIVATED, CANCELLED = "Installed", "Inactivated", "Cancelled"


class PaymentSchedulesResponse(WireModel):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    requestStatus: Literal["SUCCESS"]
    orderId: str
    state: Literal["Installed", "Inactivated", "Cancelled"]


class RecurringPaymentDetailsResponse(OrderResponse):
    recurringPaymentDetails: dict[str, Any]


@api.post(
    "/payment-schedules",
    name="createPaymentSchedule",
    body=PaymentSchedulesRequest,
    answers={
        200: Answer("The schedule, installed", PaymentSchedulesResponse),
        **errors(400, 401, 403, 404, 409, 415, 500),
    },
)
@keyed
async def create_payment_schedule(request: web.Request) -> web.StreamResponse:
    """Install a schedule: a sale of ``transactionAmount`` every ``frequency`` from
    ``startDate`` (today: the first run is charged at once)."""
    call = await keyed_call(request)
    plugin, who, now, key = call.plugin, call.who, call.now, call.key
    tx = await parse(request, CREATE)
    currency, minor = money(tx.transactionAmount, now, "SALE")
    if tx.startDate < now.date():
        raise envelope.bad_request(envelope.field("startDate", "must not be in the past"))
    order_id = tx.orderId or generated_order_id(plugin, who, key)
    card = await _card(plugin, who, tx, now, order_id)
    first = datetime.combine(tx.startDate, now.timetz())
    details = {
        **order_details(plugin, request, who, tx, card, order_id),
        "schedule": True,
        "card": cards.stored_facts(card),
        "origin": origin_of(request),
    }
    mandate_id = plugin.context.ids.uuid("fiserv", who.tenant, order_id)
    opened = Open(mandate_id, who.tenant, "fiserv", order_id, currency, minor, Intent.SALE, details)
    schedule = {
        "amount": minor,
        "currency": currency,
        "every": tx.frequency.every,
        "unit": tx.frequency.unit,
        "number_of_payments": tx.numberOfPayments,
        "maximum_failures": tx.maximumFailures,
        "start_date": tx.startDate.isoformat(),
        "created": now.isoformat(),
        "next_at": first.isoformat(),
        "state": INSTALLED,
        "runs": [],
        "failures": 0,
        "comments": tx.comments,
    }
    if await plugin.context.payments.find(who.scope(), order_id) is not None:
        raise refused(ORDER_EXISTS, now, order_id=order_id)
    # The schedule first, then its wake-up: a crash in between leaves no schedule that runs.
    await _save(plugin, who.tenant, order_id, schedule)
    try:
        await plugin.context.payments.create(who.scope(), order_id, [opened, WakeAt(first)])
    except RuleViolation as broken:
        raise violation(broken, Asked.PRIMARY, now, order_id=order_id) from None
    return await call.answer(_answer(order_id, INSTALLED))


@api.get(
    "/payment-schedules/{order_id}",
    name="inquiryPaymentSchedule",
    parameters=[STORE_ID],
    answers={
        200: Answer("The schedule and every run so far", RecurringPaymentDetailsResponse),
        **errors(400, 401, 404, 415, 500),
    },
)
async def inquiry_payment_schedule(request: web.Request) -> web.StreamResponse:
    """A schedule: its runs (as the transactions of an order) and recurringPaymentDetails."""
    plugin, who = principal(request)
    order_id = request.match_info["order_id"]
    schedule, mandate = await _load(plugin, who, order_id)
    now = now_of(plugin, who)
    runs = []
    for run_id in schedule["runs"]:
        run = await plugin.context.payments.get(run_id)
        if run is not None and run.primary is not None:
            runs.append(render.transaction(run, run.primary, now, processing=False, echo=False))
    card = render.card_details(mandate)
    details: dict[str, Any] = {
        "storeId": mandate.details.get("store_id"),
        "creationDate": _day(datetime.fromisoformat(schedule["created"]).date()),
        "startDate": _day(date.fromisoformat(schedule["start_date"])),
        "transactionAmount": render.amount(schedule["amount"], schedule["currency"]),
        "frequency": {"every": schedule["every"], "unit": schedule["unit"]},
        "runCount": len(schedule["runs"]),
        "state": schedule["state"],
    }
    if schedule["state"] == INSTALLED:
        details["nextAttemptDate"] = _day(datetime.fromisoformat(schedule["next_at"]).date())
    if schedule["number_of_payments"] is not None:
        details["numberOfPayments"] = schedule["number_of_payments"]
    if card is not None:
        details["paymentMethodDetails"] = card
    if schedule["comments"]:
        details["comments"] = schedule["comments"]
    body = {
        **envelope.head(),
        "orderId": order_id,
        "transactions": runs,
        "recurringPaymentDetails": {k: v for k, v in details.items() if v is not None},
    }
    return json_response(body)


@api.delete(
    "/payment-schedules/{order_id}",
    name="cancelPaymentSchedule",
    parameters=[STORE_ID],
    answers={
        200: Answer("The schedule, cancelled", PaymentSchedulesResponse),
        **errors(400, 401, 404, 409, 415, 500),
    },
)
@keyed
async def cancel_payment_schedule(request: web.Request) -> web.StreamResponse:
    """Cancel a schedule: no run is charged any more."""
    call = await keyed_call(request)
    plugin, who, now = call.plugin, call.who, call.now
    order_id = request.match_info["order_id"]
    schedule, _mandate = await _load(plugin, who, order_id)
    if schedule["state"] == CANCELLED:
        raise refused(WRONG_STATE, now, order_id=order_id)
    schedule["state"] = CANCELLED
    await _save(plugin, who.tenant, order_id, schedule)
    await plugin.context.payments.update(
        who.scope(), order_id, lambda _p: [WakeAt(None), CancelOrder()]
    )
    return await call.answer(_answer(order_id, CANCELLED))


@api.patch(
    "/payment-schedules/{order_id}",
    name="updatePaymentSchedule",
    body=PaymentSchedulesPatchRequest,
    answers={
        200: Answer("The schedule, changed", PaymentSchedulesResponse),
        **errors(400, 401, 404, 409, 500),
    },
)
@keyed
async def update_payment_schedule(request: web.Request) -> web.StreamResponse:
    """Change a schedule's amount, frequency, count, card or next attempt."""
    call = await keyed_call(request)
    plugin, who, now = call.plugin, call.who, call.now
    order_id = request.match_info["order_id"]
    tx = await parse(request, UPDATE)
    schedule, mandate = await _load(plugin, who, order_id)
    if schedule["state"] != INSTALLED:
        raise refused(WRONG_STATE, now, order_id=order_id)
    currency, minor = money(tx.transactionAmount, now, "SALE")
    schedule.update(
        amount=minor,
        currency=currency,
        every=tx.frequency.every,
        unit=tx.frequency.unit,
        number_of_payments=tx.numberOfPayments or schedule["number_of_payments"],
        maximum_failures=tx.maximumFailures or schedule["maximum_failures"],
    )
    if isinstance(tx, PaymentMethodPaymentSchedulesPatchRequest) or tx.referencedOrderId:
        card = await _card(plugin, who, tx, now, order_id)
        schedule["card"] = cards.stored_facts(card)
    if tx.nextAttemptDate is not None:
        if tx.nextAttemptDate < now.date():
            raise envelope.bad_request(envelope.field("nextAttemptDate", "must not be in the past"))
        schedule["next_at"] = datetime.combine(tx.nextAttemptDate, now.timetz()).isoformat()
    await _save(plugin, who.tenant, order_id, schedule)
    next_at = datetime.fromisoformat(schedule["next_at"])
    await plugin.context.payments.update(
        who.scope(), mandate.reference, lambda _p: [WakeAt(next_at)]
    )
    return json_response(_answer(order_id, INSTALLED))


# --- running on the tenant clock ------------------------------------------------------------


async def run_due(plugin: ProviderPlugin, runs: Mutexes, mandate: Payment) -> None:
    """Charge the run that fell due and ask to be woken for the next (idempotent: a run
    already charged is found by its order id and not charged again; ``runs`` keeps one run of
    a schedule at a time among every process sharing the store)."""
    scope = Scope(mandate.tenant, mandate.provider)
    async with runs.hold((scope.tenant, mandate.reference)):
        await _run_due(plugin, scope, mandate)


async def _run_due(plugin: ProviderPlugin, scope: Scope, mandate: Payment) -> None:
    async with plugin.context.store.begin() as uow:
        schedule = await uow.get_document(_KIND, scope.tenant, mandate.reference)
    if schedule is None or schedule["state"] != INSTALLED:
        return
    due = datetime.fromisoformat(schedule["next_at"])
    if due > plugin.context.clocks.now(scope.tenant):
        return  # this run was charged meanwhile (the scheduler and a clock move both woke it)
    number = len(schedule["runs"]) + 1
    run = await _charge(plugin, scope, mandate, schedule, number, due)
    schedule["runs"].append(run.id)
    primary = run.primary
    if primary is not None and primary.status is not OperationStatus.SUCCEEDED:
        schedule["failures"] += 1
    limit, most = schedule["number_of_payments"], schedule["maximum_failures"]
    if (limit is not None and number >= limit) or (
        most is not None and schedule["failures"] >= most
    ):
        schedule["state"] = INACTIVATED
    else:
        period = Period(schedule["every"], schedule["unit"])
        schedule["next_at"] = period.after(due).isoformat()
    await _save(plugin, scope.tenant, mandate.reference, schedule)
    wake = datetime.fromisoformat(schedule["next_at"]) if schedule["state"] == INSTALLED else None
    await plugin.context.payments.update(scope, mandate.reference, lambda _p: [WakeAt(wake)])


async def _charge(
    plugin: ProviderPlugin,
    scope: Scope,
    mandate: Payment,
    schedule: dict[str, Any],
    number: int,
    due: datetime,
) -> Payment:
    reference = f"{mandate.reference}-{number}"
    found = await plugin.context.payments.find(scope, reference)
    if found is not None:  # charged before a crash: not twice
        return found
    payment_id = plugin.context.ids.uuid("fiserv", scope.tenant, reference)
    op_id = transaction_id(plugin, payment_id, 1)
    facts = cards.facts_of_order(schedule.get("card") or mandate.details["card"])
    outcome = APPROVED if facts.outcome.result is Result.CHALLENGE else facts.outcome
    details = {
        **{k: v for k, v in mandate.details.items() if k != "schedule"},
        "card": schedule.get("card") or mandate.details["card"],
        "request_type": "PaymentCardSaleTransaction",
        "schedule_run": {"order_id": mandate.reference, "run": number, "due": due.isoformat()},
    }
    opened = Open(payment_id, scope.tenant, "fiserv", reference, schedule["currency"],
                  schedule["amount"], Intent.SALE, details)  # fmt: skip
    start = Start(op_id, outcome, {**processor_numbers(plugin, op_id), "card_mask": facts.masked})
    try:
        decision = await plugin.context.payments.create(scope, reference, [opened, start])
    except RuleViolation as broken:  # charged by another worker a moment ago: not twice
        charged = await plugin.context.payments.find(scope, reference)
        if broken.code is not Violation.DUPLICATE_REFERENCE or charged is None:
            raise
        return charged
    return decision.payment


# --- parts ----------------------------------------------------------------------------------


def _day(value: date) -> str:
    """``YYYY/MM/DD``, one of the two forms the spec allows."""
    return value.strftime("%Y/%m/%d")


def _answer(order_id: str, state: str) -> dict[str, Any]:
    return {**envelope.head(), "requestStatus": "SUCCESS", "orderId": order_id, "state": state}


async def _card(
    plugin: ProviderPlugin, who: Principal, tx: Any, now: datetime, order_id: str
) -> cards.Card:
    if isinstance(
        tx, (PaymentMethodPaymentSchedulesRequest, PaymentMethodPaymentSchedulesPatchRequest)
    ):
        return cards.read(tx.paymentMethod.paymentCard, now.date())
    referenced = await plugin.context.payments.find(who.scope(), tx.referencedOrderId)
    kept = referenced.details.get("card") if referenced is not None else None
    if not kept:
        raise refused(REFERENCED_NOT_FOUND, now, order_id=order_id)
    facts = cards.facts_of_order(kept)
    return cards.Card(facts, str(kept.get("profile", "")), cvv_given=False)


async def _load(
    plugin: ProviderPlugin, who: Principal, order_id: str
) -> tuple[dict[str, Any], Payment]:
    async with plugin.context.store.begin() as uow:
        schedule = await uow.get_document(_KIND, who.tenant, order_id)
    mandate = await plugin.context.payments.find(who.scope(), order_id)
    if schedule is None or mandate is None:
        raise not_found()
    return dict(schedule), mandate


async def _save(
    plugin: ProviderPlugin, tenant: str, order_id: str, schedule: dict[str, Any]
) -> None:
    async with plugin.context.store.begin() as uow:
        uow.put_document(_KIND, tenant, order_id, schedule)
        await uow.commit()
