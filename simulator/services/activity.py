"""The activity log: one INFO line per payment state change, never with card data."""

from __future__ import annotations

import logging

from ..engine import Decision, StatusChanged
from ..engine.money import to_decimal

log = logging.getLogger("psp_sandbox.payments")


def log_changes(decision: Decision) -> None:
    """Tell each status the decision moved its payment through."""
    if not log.isEnabledFor(logging.INFO):
        return
    payment = decision.payment
    for event in decision.events:
        if not isinstance(event, StatusChanged):
            continue
        old = event.old.name if event.old is not None else "new"
        log.info(
            "payment %s %s %s -> %s (%s %s, tenant %s, id %s)",
            payment.provider,
            payment.reference,
            old,
            event.new.name,
            to_decimal(payment.amount, payment.currency),
            payment.currency,
            payment.tenant,
            payment.id,
            extra={
                "provider": payment.provider,
                "tenant": payment.tenant,
                "reference": payment.reference,
                "payment_id": payment.id,
                "old_status": old,
                "status": event.new.name,
                "amount_minor": payment.amount,
                "currency": payment.currency,
            },
        )
