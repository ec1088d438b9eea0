"""Macropay's server-to-server messages: notifications and the callback to ``redirectUrl``.

Notifications (macropay.md §2.8): a JSON POST to the order's ``notificationUrl`` for every status
a payment or refund transaction takes (``waiting_user_interaction`` with its ``action``,
``failed`` with its ``error``); retried while the answer is not 200 or takes more than 20 s.
No signature is documented, so none is sent. Retry schedule: not documented; the sandbox's
default one applies.

Disputes (sandbox-defined mapping of the documented ``chargeback`` and ``rdr`` types): an
inquiry is a pre-dispute, reported as ``rdr``; a chargeback as ``chargeback``. Opening or
escalating is ``in_process``; losing is ``success`` (the money goes back to the cardholder);
winning or a reversal is ``failed``. ``transactionId`` is the original payment's, and
``chargebackInfo`` carries the reason code, category and description.

Callback (§2.9): once the pay request is answered — and, for a 3-D Secure payment, once the
challenge is over — a JSON array of the payment's attempts is POSTed to ``redirectUrl.success``
(success or in_process) or ``redirectUrl.fail`` (failed); delivered and retried as notifications
are (sandbox-defined: Revup documents neither the mechanism nor retries).
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from ...engine import (
    Decision,
    DisputeUpdated,
    OperationKind,
    OperationStatus,
    OperationUpdated,
    PaymentStatus,
    StatusChanged,
)
from ...services.payments import Notification
from ...store import Delivery
from ...webhooks import EncodedWebhook, WebhookProfile
from . import mapping, render, subscriptions

CALLBACK = "callback"
_FINAL = frozenset({OperationStatus.SUCCEEDED, OperationStatus.DECLINED, OperationStatus.FAILED})
_NOTIFIED = (OperationKind.SALE, OperationKind.REFUND)
#: Payment moves after which the callback is sent: the pay answer, the end of a challenge.
_ANSWERED_FROM = (PaymentStatus.CREATED, PaymentStatus.ACTION_REQUIRED)
_ANSWERED_TO = frozenset(
    {PaymentStatus.PENDING, PaymentStatus.CAPTURED, PaymentStatus.DECLINED, PaymentStatus.FAILED}
)


def encode(delivery: Delivery, secret: str | None) -> EncodedWebhook:
    body = delivery.payload["transactions"] if delivery.event == CALLBACK else delivery.payload
    return EncodedWebhook(orjson.dumps(body), "application/json")


PROFILE = WebhookProfile(encode=encode, timeout_seconds=20.0, accepts=lambda status: status == 200)


def notifications(decision: Decision) -> Iterator[Notification]:
    payment = decision.payment
    url = payment.details.get("notificationUrl")
    if url:
        yield from _notifications(decision, url)
        yield from _disputes(decision, url)
    yield from _subscription_events(decision)
    yield from _callback(decision)


def _notifications(decision: Decision, url: str) -> Iterator[Notification]:
    payment = decision.payment
    at = payment.updated_at
    primary = payment.primary
    if _moved(decision, (PaymentStatus.CREATED,)) and primary and primary.details.get("fallback"):
        body = render.fallback_notification(payment, primary, at)
        yield Notification(url, "payment.failed", body, primary.id)
    seen: set[tuple[str, OperationStatus]] = set()
    for event in decision.events:
        if not isinstance(event, OperationUpdated) or event.kind not in _NOTIFIED:
            continue
        op = payment.operation(event.operation_id)
        if op is None or (op.id, event.status) in seen:
            continue
        seen.add((op.id, event.status))
        body = render.notification(payment, op, event.status, at)
        yield Notification(
            url, f"{body['transactionType']}.{body['transactionStatus']}", body, op.id
        )


def _disputes(decision: Decision, url: str) -> Iterator[Notification]:
    payment = decision.payment
    primary = payment.primary
    for event in decision.events:
        if not isinstance(event, DisputeUpdated) or primary is None:
            continue
        dispute = next(d for d in payment.disputes if d.id == event.dispute_id)
        body = render.dispute_notification(payment, primary, dispute, event.old)
        yield Notification(
            url, f"{body['transactionType']}.{body['transactionStatus']}", body, primary.id
        )


def _subscription_events(decision: Decision) -> Iterator[Notification]:
    """Events of a subscription's payment to its ``eventSubscriptionUrl`` (subscriptions.py)."""
    payment = decision.payment
    sub = payment.details.get("subscription")
    primary = payment.primary
    if not sub:
        return
    at = payment.updated_at
    found: list[tuple[str, dict[str, object]]] = []
    for event in decision.events:
        if (
            isinstance(event, OperationUpdated)
            and primary is not None
            and event.operation_id == primary.id
            and event.status in _FINAL
        ):
            found.extend(subscriptions.events(payment, at))
        elif isinstance(event, StatusChanged) and event.new is PaymentStatus.EXPIRED:
            expired = subscriptions.expired_event(payment, at)
            if expired is not None:
                found.append(expired)
    for kind, body in found:
        yield Notification(sub["eventUrl"], f"subscription.{kind.lower()}", body,
                           primary.id if primary else None)  # fmt: skip


def _callback(decision: Decision) -> Iterator[Notification]:
    payment = decision.payment
    op = payment.primary
    if op is None or not _moved(decision, _ANSWERED_FROM):
        return
    urls = payment.details.get("redirectUrl") or {}
    url = urls.get("fail" if mapping.STATUS[op.status] == mapping.FAILED else "success")
    if url:
        payload = {"transactions": render.callback(payment, op)}
        yield Notification(url, CALLBACK, payload, op.id)


def _moved(decision: Decision, origins: tuple[PaymentStatus, ...]) -> bool:
    """Whether the payment left one of ``origins`` for an answered status in this decision."""
    return any(
        isinstance(e, StatusChanged) and e.old in origins and e.new in _ANSWERED_TO
        for e in decision.events
    )
