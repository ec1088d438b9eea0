"""payworks webhooks: the transaction event POSTed to the URL registered for the merchant.

payworks' merchants register one URL in the Gateway Manager; the sandbox takes it from the
``merchant_webhooks`` setting or the admin API, as it stands when a transaction is registered.
``transaction.succeeded`` for an APPROVED charge or refund (documented); ``transaction.failed``
for one that ends DECLINED, ERROR or ABORTED (sandbox-defined). Unsigned (no signature is
documented); anything but a 2xx is retried on the sandbox's default schedule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson

from ...engine import Decision, OperationKind, OperationStatus, OperationUpdated
from ...services.payments import Notification
from ...store import Delivery
from ...webhooks import EncodedWebhook, WebhookProfile
from . import render

if TYPE_CHECKING:
    from ...context import SandboxContext

SUCCEEDED = "transaction.succeeded"
FAILED = "transaction.failed"
_ANNOUNCED = (OperationKind.SALE, OperationKind.REFUND)


def encode(delivery: Delivery, secret: str | None) -> EncodedWebhook:
    return EncodedWebhook(orjson.dumps(delivery.payload), "application/json")


PROFILE = WebhookProfile(encode=encode, registered_per_merchant=True)


def notifications(ctx: SandboxContext, decision: Decision) -> Iterator[Notification]:
    """One event for each transaction that reached its final status in this decision."""
    payment = decision.payment
    for event in decision.events:
        if not isinstance(event, OperationUpdated) or event.kind not in _ANNOUNCED:
            continue
        if not event.status.is_final:
            continue
        op = payment.operation(event.operation_id)
        url = op.details.get("webhook_url") if op is not None else None
        if op is None or not url:
            continue
        kind = SUCCEEDED if event.status is OperationStatus.SUCCEEDED else FAILED
        body = render.event(ctx, payment, op, kind, payment.updated_at)
        yield Notification(url, kind, body, op.id)
