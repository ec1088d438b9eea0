"""Recurrences: merchant-initiated charges chained on one stored card — initial, recurring…, final.

A chain starts with its initial charge (the customer present, usually authenticated) and the
token that charge stored. Later charges name the chain; each must come after a successful
initial, no sooner than the chain's minimum period after the previous live charge, and never
once a final charge has succeeded (or while one is still in flight). A successful final closes
the chain for good, and with it the token.

Charges are separate payments; their results arrive on their own time. The chain keeps only
references, and whoever loads it fills in each charge's current state (``with_states``).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from .violations import RuleViolation, Violation


class Sequence(StrEnum):
    INITIAL = "initial"
    RECURRING = "recurring"
    FINAL = "final"


class ChargeState(StrEnum):
    IN_FLIGHT = "in_flight"  # no result yet (pending, challenged)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # declined, failed, or cancelled


@dataclass(frozen=True, slots=True)
class Charge:
    payment_id: str
    operation_id: str
    sequence: Sequence
    at: datetime
    state: ChargeState = ChargeState.IN_FLIGHT


@dataclass(frozen=True, slots=True)
class Chain:
    #: The initial charge's operation id: what later charges name as their parent.
    id: str
    #: The stored card the chain charges (None: no token was asked for).
    token: str | None
    #: The least time between two live charges (None: no minimum).
    min_period: timedelta | None
    #: Every charge, the initial first, in the order they were made.
    charges: tuple[Charge, ...]

    @property
    def initial(self) -> Charge:
        return self.charges[0]

    @property
    def closed(self) -> bool:
        """A final charge succeeded: nothing more may be charged, the token is disabled."""
        return any(
            c.sequence is Sequence.FINAL and c.state is ChargeState.SUCCEEDED for c in self.charges
        )

    @property
    def closing(self) -> bool:
        """A final charge is still waiting for its result."""
        return any(
            c.sequence is Sequence.FINAL and c.state is ChargeState.IN_FLIGHT for c in self.charges
        )

    @property
    def usable(self) -> bool:
        """Whether the chain's token may be charged at all (initial succeeded, not closed)."""
        return self.initial.state is ChargeState.SUCCEEDED and not self.closed

    def last_live_charge_at(self) -> datetime:
        """When the newest charge that did not fail was made (the initial at least)."""
        live = [c.at for c in self.charges if c.state is not ChargeState.FAILED]
        return max(live, default=self.initial.at)

    def next_allowed_at(self) -> datetime | None:
        if self.min_period is None:
            return None
        return self.last_live_charge_at() + self.min_period


PeriodUnit = Literal["DAY", "WEEK", "MONTH", "YEAR"]


@dataclass(frozen=True, slots=True)
class Period:
    """The time between two charges of a schedule: ``every`` days, weeks, months or years."""

    every: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.every < 1:
            raise ValueError("a period lasts at least one unit")

    def after(self, moment: datetime) -> datetime:
        """``moment`` one period later: months and years on the calendar, the day of the month
        kept where the month has it (31 January + 1 month = 28 or 29 February)."""
        if self.unit == "DAY":
            return moment + timedelta(days=self.every)
        if self.unit == "WEEK":
            return moment + timedelta(weeks=self.every)
        months = self.every * (12 if self.unit == "YEAR" else 1)
        year, month = divmod(moment.month - 1 + months, 12)
        year += moment.year
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)


def start_chain(initial: Charge, token: str | None, min_period: timedelta | None) -> Chain:
    """A new chain whose first charge is ``initial``."""
    if initial.sequence is not Sequence.INITIAL:
        raise ValueError("a chain starts with its initial charge")
    if min_period is not None and min_period <= timedelta(0):
        raise ValueError("a minimum period must be positive")
    return Chain(initial.operation_id, token, min_period, (initial,))


def check_next(chain: Chain, sequence: Sequence, now: datetime) -> None:
    """Raise RuleViolation unless a ``sequence`` charge may be made on the chain at ``now``."""
    if sequence is Sequence.INITIAL:
        raise ValueError("an initial charge starts a chain of its own")
    if chain.initial.state is not ChargeState.SUCCEEDED:
        raise RuleViolation(
            Violation.RECURRENCE_NOT_AVAILABLE, f"the initial charge is {chain.initial.state}"
        )
    if chain.closed:
        raise RuleViolation(Violation.RECURRENCE_CLOSED, "a final charge closed the chain")
    if chain.closing:
        raise RuleViolation(Violation.RECURRENCE_CLOSED, "a final charge is in flight")
    allowed_at = chain.next_allowed_at()
    if allowed_at is not None and now < allowed_at:
        raise RuleViolation(
            Violation.RECURRENCE_TOO_SOON, f"the next charge is allowed from {allowed_at}"
        )


def add_charge(chain: Chain, charge: Charge, now: datetime) -> Chain:
    """The chain with ``charge`` made at ``now`` (checked as ``check_next`` does)."""
    check_next(chain, charge.sequence, now)
    if any(c.operation_id == charge.operation_id for c in chain.charges):
        raise ValueError(f"charge {charge.operation_id} is already in the chain")
    return replace(chain, charges=(*chain.charges, charge))


def with_states(chain: Chain, states: Mapping[str, ChargeState]) -> Chain:
    """The chain with its charges' current states (by operation id; others unchanged)."""
    charges = tuple(
        replace(c, state=states[c.operation_id]) if c.operation_id in states else c
        for c in chain.charges
    )
    return replace(chain, charges=charges)
