"""Disputes: a cardholder contests a captured payment — inquiry, chargeback, and how it ends.

A dispute runs beside the payment's own status (a disputed sale stays captured or settled):
it opens as an ``inquiry`` (a retrieval request or pre-dispute; no money moves yet) or straight
as a ``chargeback`` (the amount is taken back from the merchant), and ends ``won`` (the merchant
keeps the money), ``reversed`` (the cardholder's bank withdrew the chargeback) or ``lost`` (the
money stays with the cardholder). One dispute is open at a time; a closed one may be followed
by another while undisputed money remains.

While a dispute is open or lost its amount counts as disputed: the disputed amount never
exceeds what is captured less what is refunded, so a refund cannot return disputed money and a
dispute cannot take back refunded money. ``decide`` enforces both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from .violations import RuleViolation, Violation


class DisputeStage(StrEnum):
    INQUIRY = "inquiry"
    CHARGEBACK = "chargeback"
    REVERSED = "reversed"
    WON = "won"
    LOST = "lost"


D = DisputeStage

#: Every legal move of a dispute; ``None`` is "no dispute open yet".
DISPUTE_MOVES: Mapping[DisputeStage | None, frozenset[DisputeStage]] = {
    None: frozenset({D.INQUIRY, D.CHARGEBACK}),
    # An inquiry is answered: escalated to a chargeback, dropped (won) or conceded (lost).
    D.INQUIRY: frozenset({D.CHARGEBACK, D.WON, D.LOST}),
    # A chargeback is withdrawn by the issuer (reversed), or the representment decides it.
    D.CHARGEBACK: frozenset({D.REVERSED, D.WON, D.LOST}),
    D.REVERSED: frozenset(),
    D.WON: frozenset(),
    D.LOST: frozenset(),
}

#: Stages in which the dispute is still open.
OPEN_STAGES: frozenset[DisputeStage] = frozenset({D.INQUIRY, D.CHARGEBACK})
#: Stages whose amount counts as disputed (contested, or taken back for good).
DISPUTED_STAGES: frozenset[DisputeStage] = frozenset({D.INQUIRY, D.CHARGEBACK, D.LOST})
#: Stages in which the amount is debited from the merchant.
CHARGED_BACK_STAGES: frozenset[DisputeStage] = frozenset({D.CHARGEBACK, D.LOST})


@dataclass(frozen=True, slots=True)
class DisputeChange:
    at: datetime
    old: DisputeStage | None
    new: DisputeStage
    amount: int


@dataclass(frozen=True, slots=True)
class Dispute:
    id: str
    #: Minor units contested (for a chargeback: taken back).
    amount: int
    stage: DisputeStage
    #: The scheme's reason code as the issuer gave it (``10.4``, ``4837`` ...).
    reason: str
    opened_at: datetime
    updated_at: datetime
    history: tuple[DisputeChange, ...] = ()
    #: Provider-neutral extras (reason category and description ...).
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def disputed(self) -> int:
        return self.amount if self.stage in DISPUTED_STAGES else 0

    @property
    def charged_back(self) -> int:
        return self.amount if self.stage in CHARGED_BACK_STAGES else 0


@dataclass(frozen=True, slots=True)
class AdvanceDispute:
    """Open a dispute at ``stage`` (inquiry or chargeback), or move the open one to it."""

    #: The new dispute's id, when one opens (a move acts on the open dispute).
    dispute_id: str
    stage: DisputeStage
    #: Opening: None disputes everything still undisputed. Escalating an inquiry to a
    #: chargeback may change it; the other moves keep the dispute's amount.
    amount: int | None = None
    reason: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


def advance(current: Dispute | None, cmd: AdvanceDispute, available: int, now: datetime) -> Dispute:
    """The dispute after ``cmd``: a new one (``current`` None) or ``current`` moved on.

    ``available`` is what may be disputed besides ``current``'s own amount: captured, less
    refunded (or being refunded), less what other disputes hold.
    """
    old = current.stage if current is not None else None
    if cmd.stage not in DISPUTE_MOVES[old]:
        raise RuleViolation(
            Violation.DISPUTE_STAGE_NOT_ALLOWED,
            f"{old or 'no open dispute'} cannot become {cmd.stage}",
        )
    if current is None:
        amount = available if cmd.amount is None else cmd.amount
    elif cmd.amount is None or cmd.amount == current.amount:
        amount = current.amount
    elif (old, cmd.stage) == (D.INQUIRY, D.CHARGEBACK):
        amount = cmd.amount
    else:
        raise RuleViolation(Violation.INVALID_AMOUNT, "only an escalation may change the amount")
    if amount <= 0:
        if cmd.amount is None:
            raise RuleViolation(Violation.NOT_DISPUTABLE, "nothing left to dispute")
        raise RuleViolation(Violation.INVALID_AMOUNT, "amount must be positive")
    if amount > available:
        raise RuleViolation(Violation.DISPUTE_EXCEEDS_AVAILABLE, f"{amount} > {available}")
    change = DisputeChange(now, old, cmd.stage, amount)
    if current is None:
        details = dict(cmd.details)
        if not cmd.dispute_id:
            raise ValueError("a new dispute needs an id")
        return Dispute(cmd.dispute_id, amount, cmd.stage, cmd.reason, now, now, (change,), details)
    return replace(
        current,
        amount=amount,
        stage=cmd.stage,
        reason=cmd.reason or current.reason,
        updated_at=now,
        history=(*current.history, change),
        details={**current.details, **cmd.details},
    )
