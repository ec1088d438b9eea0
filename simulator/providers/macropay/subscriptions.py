"""POST /v2/subscriptions: Revup-managed subscriptions — an initial payment, then rebills on
the plan's schedule (tenant clock), each reported to ``eventSubscriptionUrl``.

Two ways in (documented): *subscription first* — the answer is an order (``generateToken`` and
``sequence: initial`` implied) the cardholder pays with the SDK form — and *token based* —
``tokenId``, ``parentTransactionId`` and ``parentOrderId`` of an earlier payment that made the
token; its initial payment is charged at once with that token.

Plans live in Revup's back office; the sandbox reads them from the credential's configuration
(``plan.<planId> = "29.95 every 1 month x 12"``: amount, period, optional number of rebills); any
other planId is the default plan, 9.99 every month without end. Each rebill is a payment on an
order of its own, charged with the subscription's token; the latest payment carries the wake-up
time of the next rebill. Three failed rebills in a row, or the plan's last one, finish it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...engine import (
    APPROVED,
    Intent,
    Open,
    OperationStatus,
    Payment,
    Result,
    RuleViolation,
    Start,
    Violation,
    WakeAt,
    decide,
)
from ...engine.money import InvalidAmount, to_minor
from ...engine.recurrence import Period, PeriodUnit
from ...openapi import Answer
from ...services.payments import Scope
from ..base import json_response, origin_of, plugin_of
from . import mapping, render
from .cards import refused
from .mids import Mids
from .models import SubscriptionAnswer, SubscriptionRequest
from .pay import holder_of, start_payment, token_usable
from .routes import ERRORS, api

if TYPE_CHECKING:
    from . import MacropayPlugin

#: Consecutive failed rebills after which a subscription is finished.
MAX_FAILURES = 3
_PLAN = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s+every\s+(\d+)\s+(day|week|month|year)s?(?:\s+x\s*(\d+))?\s*$", re.I
)


@dataclass(frozen=True, slots=True)
class Plan:
    amount: Decimal
    period: Period
    #: How many rebills follow the initial payment (None: until stopped).
    rebills: int | None


DEFAULT_PLAN = Plan(Decimal("9.99"), Period(1, "MONTH"), None)


_UNITS: dict[str, PeriodUnit] = {"day": "DAY", "week": "WEEK", "month": "MONTH", "year": "YEAR"}


def plan_of(extra: Mapping[str, str], plan_id: str) -> Plan:
    """The configured plan (``plan.<planId>`` in the credential's extra), else the default."""
    found = _PLAN.match(str(extra.get(f"plan.{plan_id}", "")))
    if found is None:
        return DEFAULT_PLAN
    amount, every, unit, rebills = found.groups()
    period = Period(int(every), _UNITS[unit.lower()])
    return Plan(Decimal(amount), period, int(rebills) if rebills else None)


@api.post(
    "/v2/subscriptions",
    name="create_subscription",
    body=SubscriptionRequest,
    answers={200: Answer("The subscription's initial order", SubscriptionAnswer), **ERRORS},
)
async def create_subscription(request: web.Request) -> web.StreamResponse:
    """Create a subscription to a back-office plan: its initial order (paid by the cardholder,
    or at once with a token), then rebills on the plan's schedule."""
    plugin: MacropayPlugin = plugin_of(request)  # type: ignore[assignment]
    ctx = plugin.context
    body = await plugin.read(request, SubscriptionRequest)
    principal = plugin.principal(request)
    scope = principal.scope()
    now = ctx.clocks.now(scope.tenant)
    mids = Mids.of(principal.credential.extra)
    mids.check(body.currency)
    plan = plan_of(principal.credential.extra, body.planId.lower())
    initial = Decimal(str(body.overwrite.initialAmount)) if body.overwrite else plan.amount
    try:
        minor, rebill = to_minor(initial, body.currency), to_minor(plan.amount, body.currency)
    except InvalidAmount:
        raise refused(mapping.INVALID_REQUEST) from None
    stored = None
    if body.tokenId is not None:
        stored = await ctx.tokens.get(scope, body.tokenId.lower())
        if stored is None:
            raise refused(mapping.TOKEN_NOT_FOUND)
        origin = await ctx.payments.get(str(stored.extra.get("payment_id", "")))
        parent_ok = (
            origin is not None
            and origin.reference == (body.parentOrderId or "").lower()
            and stored.extra.get("operation_id") == (body.parentTransactionId or "").lower()
            and await token_usable(plugin, scope, stored)
        )
        if not parent_ok:
            raise refused(mapping.RECURRENCE_NOT_AVAILABLE)
        mids.check(body.currency, stored.brand)
    number = await plugin.orders.next(scope.tenant)
    order_id = ctx.ids.uuid("macropay-order", scope.tenant, number)
    subscription = {
        "id": ctx.ids.uuid("macropay-subscription", scope.tenant, number),
        "planId": body.planId.lower(),
        "eventUrl": body.eventSubscriptionUrl,
        "every": plan.period.every,
        "unit": plan.period.unit,
        "rebills": plan.rebills,
        "amount": rebill,
        "rebill": 0,
        "failures": 0,
        "token": stored.token if stored else None,
    }
    fields = body.model_dump(mode="json", exclude_none=True)
    details: dict[str, Any] = {
        "origin": origin_of(request),
        "order": {**fields, "money": {"amount": float(initial), "currency": body.currency}},
        "notificationUrl": None,
        "redirectUrl": body.redirectUrl.model_dump() if body.redirectUrl else None,
        "generateToken": stored is None,
        "sequence": "initial" if stored is None else None,
        "subscription": subscription,
    }
    opened = Open(ctx.ids.uuid(order_id, "payment"), scope.tenant, plugin.name, order_id,
                  body.currency, minor, Intent.SALE, details)  # fmt: skip
    commands: list[Any] = [opened, WakeAt(plan.period.after(now))]
    if stored is not None:
        preview = decide(None, opened, plugin.policy, now).payment
        start = start_payment(plugin, preview, stored.facts, holder_of(stored), now,
                              token_used=stored.token)  # fmt: skip
        commands.append(_without_challenge(start))
    decision = await ctx.payments.create(scope, order_id, commands)
    answer = {**render.order(decision.payment), "subscriptionId": subscription["id"]}
    return json_response(answer)


async def rebill(plugin: MacropayPlugin, anchor: Payment) -> None:
    """The next rebill of the subscription ``anchor`` (its latest payment) is due: charge it
    with the subscription's token (idempotent: a rebill is an order named by its number)."""
    ctx = plugin.context
    scope = Scope(anchor.tenant, anchor.provider)
    sub = dict(anchor.details["subscription"])
    primary = anchor.primary
    succeeded = primary is not None and primary.status is OperationStatus.SUCCEEDED
    if sub["rebill"] == 0 and not succeeded:
        return  # the initial payment never succeeded: there is nothing to rebill
    failures = 0 if succeeded else sub["failures"] + 1
    if failures >= MAX_FAILURES or (sub["rebills"] is not None and sub["rebill"] >= sub["rebills"]):
        return
    token = sub["token"] or _token_of_initial(anchor)
    initial_id = sub.get("initialTransactionId") or (primary.id if primary else None)
    number = sub["rebill"] + 1
    reference = ctx.ids.uuid("macropay-rebill", sub["id"], number)
    if await ctx.payments.find(scope, reference) is not None:
        return  # charged before a crash: not twice
    now = ctx.clocks.now(scope.tenant)
    stored = await ctx.tokens.get(scope, token) if token else None
    if stored is None:
        return  # no card to charge (never happens while Revup keeps its tokens)
    last = sub["rebills"] is not None and number >= sub["rebills"]
    next_sub = {**sub, "rebill": number, "failures": failures, "token": token, "last": last,
                "initialTransactionId": initial_id,
                "finishes_on_failure": failures + 1 >= MAX_FAILURES}  # fmt: skip
    order = dict(anchor.details["order"])
    order["money"] = {"amount": mapping.amount(sub["amount"], anchor.currency),
                      "currency": anchor.currency}  # fmt: skip
    details: dict[str, Any] = {
        "origin": anchor.details["origin"],
        "order": order,
        "notificationUrl": None,
        "redirectUrl": None,
        "generateToken": False,
        "sequence": "recurring",
        "parentTransactionId": initial_id,
        "subscription": next_sub,
    }
    opened = Open(ctx.ids.uuid(reference, "payment"), scope.tenant, plugin.name, reference,
                  anchor.currency, sub["amount"], Intent.SALE, details)  # fmt: skip
    preview = decide(None, opened, plugin.policy, now).payment
    start = start_payment(plugin, preview, stored.facts, holder_of(stored), now,
                          token_used=stored.token)  # fmt: skip
    period = Period(sub["every"], sub["unit"])
    commands: list[Any] = [opened, _without_challenge(start)]
    if not last:
        commands.append(WakeAt(period.after(anchor.wake_at or now)))
    try:
        await ctx.payments.create(scope, reference, commands)
    except RuleViolation as broken:  # charged by another worker a moment ago: not twice
        if broken.code is not Violation.DUPLICATE_REFERENCE:
            raise


def _without_challenge(start: Start) -> Start:
    """A merchant-initiated charge is out of scope of 3-D Secure."""
    if start.outcome.result is Result.CHALLENGE:
        return Start(start.operation_id, APPROVED, start.details)
    return start


def _token_of_initial(anchor: Payment) -> str | None:
    """A subscription-first subscription charges the token its initial payment made."""
    primary = anchor.primary
    token = primary.details.get("token_id") if primary is not None else None
    return str(token) if token else None


def events(payment: Payment, at: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The subscription events a payment's result causes: ``(eventType, body)``."""
    sub = payment.details.get("subscription")
    primary = payment.primary
    if not sub or primary is None:
        return []
    ok = primary.status is OperationStatus.SUCCEEDED
    found: list[tuple[str, str | None]] = []
    if sub["rebill"] == 0:
        found.append(
            ("SUBSCRIPTION_ACTIVATED", None)
            if ok
            else ("SUBSCRIPTION_FINISHED", "initial_payment_failed")
        )
    else:
        found.append(("REBILL_SUCCEEDED" if ok else "REBILL_FAILED", None))
        if sub.get("last"):
            found.append(("SUBSCRIPTION_FINISHED", "completed"))
        elif not ok and sub.get("finishes_on_failure"):
            found.append(("SUBSCRIPTION_FINISHED", "rebills_failed"))
    return [(kind, _event(payment, kind, reason, at)) for kind, reason in found]


def expired_event(payment: Payment, at: datetime) -> tuple[str, dict[str, Any]] | None:
    """An initial order nobody paid in its hour finishes its subscription."""
    sub = payment.details.get("subscription")
    if not sub or sub["rebill"] != 0:
        return None
    kind = "SUBSCRIPTION_FINISHED"
    return kind, _event(payment, kind, "initial_order_expired", at)


def _event(payment: Payment, kind: str, reason: str | None, at: datetime) -> dict[str, Any]:
    sub = payment.details["subscription"]
    primary = payment.primary
    body: dict[str, Any] = {
        "eventType": kind,
        "subscriptionId": sub["id"],
        "planId": sub["planId"],
        "orderId": payment.reference,
        "rebill": sub["rebill"],
        "eventDate": mapping.timestamp(at),
        "money": mapping.money(payment.amount, payment.currency),
    }
    if primary is not None:
        body["transactionId"] = primary.id
        body["transactionStatus"] = mapping.STATUS[primary.status]
    if reason is not None:
        body["reason"] = reason
    if payment.wake_at is not None and kind != "SUBSCRIPTION_FINISHED":
        body["nextRebillDate"] = mapping.timestamp(payment.wake_at)
    return body
