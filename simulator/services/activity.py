"""The activity log: one INFO line per decision that moved a payment, never with card data.

A decision may move its payment through several statuses (a purchase goes new → CREATED →
CAPTURED in one request); the line names them all, in order, so one request is one line:

    payment tranzzo order-1 new -> CREATED -> CAPTURED (100.50 UAH, tenant t, id …)
"""

from __future__ import annotations

import logging

from ..engine import Decision, StatusChanged
from ..engine.money import to_decimal

log = logging.getLogger("psp_sandbox.payments")


def log_changes(decision: Decision) -> None:
    """Tell the statuses the decision moved its payment through, if any."""
    if not log.isEnabledFor(logging.INFO):
        return
    changes = [event for event in decision.events if isinstance(event, StatusChanged)]
    if not changes:
        return
    first = changes[0].old
    statuses = ["new" if first is None else first.name, *(c.new.name for c in changes)]
    payment = decision.payment
    log.info(
        "payment %s %s %s (%s %s, tenant %s, id %s)",
        payment.provider,
        payment.reference,
        " -> ".join(statuses),
        to_decimal(payment.amount, payment.currency),
        payment.currency,
        payment.tenant,
        payment.id,
        extra={
            "provider": payment.provider,
            "tenant": payment.tenant,
            "reference": payment.reference,
            "payment_id": payment.id,
            "old_status": statuses[0],
            "status": statuses[-1],
            "statuses": statuses,
            "amount_minor": payment.amount,
            "currency": payment.currency,
        },
    )
