"""Queued outcomes: "the next N <operation>s of tenant T (optionally for order X) end as Y"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from ..engine import (
    APPROVED,
    CHALLENGE,
    Outcome,
    Reason,
    Result,
    declined,
    failed,
    pending,
)
from ..store import UnitOfWork
from ..store.queue import TenantQueue
from .magic import PENDING_DELAY_SECONDS

OutcomeName = Literal[
    "approved", "declined", "insufficient_funds", "expired_card", "invalid_cvv",
    "processor_error", "duplicate_transaction", "challenge", "pending_approved",
    "pending_declined",
]  # fmt: skip
OperationName = Literal[
    "payment",
    "sale",
    "auth",
    "credit",
    "verification",
    "capture",
    "void",
    "refund",
    "adjustment",
]

#: Outcome names QA may queue, and what each one means.
NAMED: Mapping[str, Outcome] = {
    "approved": APPROVED,
    "declined": declined(Reason.DO_NOT_HONOUR),
    "insufficient_funds": declined(Reason.INSUFFICIENT_FUNDS),
    "expired_card": declined(Reason.EXPIRED_CARD),
    "invalid_cvv": declined(Reason.INVALID_CVV),
    "processor_error": failed(Reason.PROCESSOR_ERROR),
    "duplicate_transaction": declined(Reason.DUPLICATE_TRANSACTION),
    "challenge": CHALLENGE,
    "pending_approved": pending(APPROVED, PENDING_DELAY_SECONDS),
    "pending_declined": pending(declined(), PENDING_DELAY_SECONDS),
}

#: Operation names a queued outcome may target ("payment" is any primary operation).
OPERATIONS: tuple[str, ...] = get_args(OperationName)
_PRIMARY = ("sale", "auth", "credit", "verification")
_AT_ONCE = ("void", "adjustment")  # resolve immediately: no pending, no challenge


class UnsuitableOutcome(ValueError):
    """The named outcome cannot happen to that operation (a challenge on a refund ...)."""


def named(name: str, delay_seconds: int | None = None) -> Outcome:
    try:
        outcome = NAMED[name]
    except KeyError:
        raise UnsuitableOutcome(f"unknown outcome {name!r}; known: {', '.join(NAMED)}") from None
    if delay_seconds is not None and outcome.result is Result.PENDING:
        assert outcome.then is not None
        outcome = pending(outcome.then, delay_seconds)
    return outcome


def check_suitable(operation: str, outcome: Outcome) -> None:
    if operation not in OPERATIONS:
        raise UnsuitableOutcome(f"unknown operation {operation!r}; known: {', '.join(OPERATIONS)}")
    if outcome.result is Result.CHALLENGE and operation not in ("payment", *_PRIMARY):
        raise UnsuitableOutcome(
            "only a payment (sale, auth, credit, verification) can ask for 3-D Secure"
        )
    if operation in _AT_ONCE and not outcome.is_final:
        raise UnsuitableOutcome(f"a {operation} resolves at once: approved, declined or failed")


class QueuedOutcomes(TenantQueue):
    """One sandbox's queued outcomes, per tenant."""

    def __init__(self) -> None:
        super().__init__("outcomes")

    async def next_for(
        self, uow: UnitOfWork, tenant: str, provider: str, operation: str, reference: str | None
    ) -> Outcome | None:
        """Use up the first queued outcome that fits this operation, if any."""

        def fits(entry: Mapping[str, Any]) -> bool:
            wanted = entry["operation"]
            return (
                entry.get("provider") in (None, provider)
                and (wanted == operation or (wanted == "payment" and operation in _PRIMARY))
                and entry.get("reference") in (None, reference)
            )

        entry = await self.take(uow, tenant, fits)
        if entry is None:
            return None
        return named(entry["outcome"], entry.get("delay_seconds"))
