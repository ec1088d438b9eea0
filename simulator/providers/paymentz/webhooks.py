"""Paymentz callbacks: a JSON POST to the transaction's ``notificationUrl`` for every final result.

The body (paymentz.md §3.7): paymentId, status (long), transactionStatus (short), paymentBrand,
paymentMode, firstName, lastName, amount, currency, descriptor, merchantTransactionId, remark,
tmpl_amount, tmpl_currency, result{code, description}, customer{email, id}, card{bin,
lastFourDigits, last4Digits, expiryMonth, expiryYear} (empty strings where there is nothing),
timestamp, eci, bankReferenceId, terminalId, and ``checksum`` =
md5(paymentId|merchantTransactionId|amount|transactionStatus|sKey), computed when it is sent
with the member's current key. The sandbox adds ``paymentType`` (DB, PA, CP, RF, RV, PO) so a
capture's callback is told from its payment's.

Sent for: a transaction's result (Y, N, or C after an abandoned challenge), each capture, refund
and reversal result, a Standard Checkout order that lapsed unpaid (C), and a chargeback — when
one takes the money back (long status ``chargeback``, N) and when it ends in the merchant's
favour (the long status before it, again). Not sent for P, 3D, an inquiry or settlement.
Retries: none documented; the sandbox's default schedule (any 2xx accepts).
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from ...engine import (
    Decision,
    DisputeStage,
    DisputeUpdated,
    OperationStatus,
    OperationUpdated,
    PaymentStatus,
    StatusChanged,
)
from ...services.payments import Notification
from ...store import Delivery
from ...webhooks import EncodedWebhook, WebhookProfile
from . import checksums, render

_RESULTS = frozenset({OperationStatus.SUCCEEDED, OperationStatus.DECLINED, OperationStatus.FAILED})


def encode(delivery: Delivery, secret: str | None) -> EncodedWebhook:
    body = dict(delivery.payload)
    body["checksum"] = checksums.callback(
        body["paymentId"],
        body["merchantTransactionId"],
        body["amount"],
        body["transactionStatus"],
        secret or "",
    )
    return EncodedWebhook(orjson.dumps(body), "application/json")


PROFILE = WebhookProfile(encode=encode)


_CHARGED_BACK = (DisputeStage.CHARGEBACK, DisputeStage.LOST)


def _changes_long_status(event: DisputeUpdated) -> bool:
    """A chargeback took the money back, or gave it back: the long status moved."""
    return (event.old in _CHARGED_BACK) != (event.new in _CHARGED_BACK)


def notifications(decision: Decision) -> Iterator[Notification]:
    payment = decision.payment
    url = payment.details.get("notificationUrl")
    if not url:
        return
    member = str(payment.details["memberId"])
    at = payment.updated_at
    seen: set[str] = set()
    for event in decision.events:
        if isinstance(event, OperationUpdated) and event.status in _RESULTS:
            op = payment.operation(event.operation_id)
            if op is None or op.id in seen:
                continue
            seen.add(op.id)
            body = render.callback(payment, op, at)
            event_name = f"{body['paymentType']}.{body['transactionStatus']}"
            yield Notification(url, event_name, body, op.id, signing_key=member)
        elif isinstance(event, StatusChanged) and event.new is PaymentStatus.EXPIRED:
            body = render.callback(payment, None, at)
            yield Notification(url, f"{body['paymentType']}.C", body, signing_key=member)
        elif isinstance(event, DisputeUpdated) and _changes_long_status(event):
            primary = payment.primary
            if primary is not None:
                body = render.chargeback_callback(payment, primary, at)
                yield Notification(url, f"{body['status']}.{body['transactionStatus']}",
                                   body, primary.id, signing_key=member)  # fmt: skip
