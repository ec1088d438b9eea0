"""Canonical payment statuses and the one table of legal moves between them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class PaymentStatus(StrEnum):
    CREATED = "created"
    PENDING = "pending"
    ACTION_REQUIRED = "action_required"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    DECLINED = "declined"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SETTLED = "settled"
    VERIFIED = "verified"  # the card was checked; no money is held


S = PaymentStatus

_UNRESOLVED_EXITS = frozenset(
    {S.AUTHORIZED, S.CAPTURED, S.VERIFIED, S.DECLINED, S.FAILED, S.EXPIRED, S.CANCELLED}
)

#: Every legal status change. Staying in the same status is always allowed and not listed.
TRANSITIONS: Mapping[PaymentStatus, frozenset[PaymentStatus]] = {
    S.CREATED: _UNRESOLVED_EXITS | {S.PENDING, S.ACTION_REQUIRED},
    S.PENDING: _UNRESOLVED_EXITS | {S.ACTION_REQUIRED},
    S.ACTION_REQUIRED: _UNRESOLVED_EXITS | {S.PENDING},
    # An authorization is captured, voided, or lapses.
    S.AUTHORIZED: frozenset({S.CAPTURED, S.VOIDED, S.EXPIRED}),
    # Voiding the only capture of an authorization re-opens it (AUTHORIZED).
    S.CAPTURED: frozenset({S.AUTHORIZED, S.PARTIALLY_REFUNDED, S.REFUNDED, S.VOIDED, S.SETTLED}),
    S.SETTLED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED}),
    S.REFUNDED: frozenset(),
    S.VOIDED: frozenset(),
    # A verification holds nothing: there is nothing to capture, void or refund.
    S.VERIFIED: frozenset(),
    S.DECLINED: frozenset(),
    S.FAILED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CANCELLED: frozenset(),
}

#: Statuses nothing can leave.
FINAL: frozenset[PaymentStatus] = frozenset(s for s, exits in TRANSITIONS.items() if not exits)

#: Statuses in which the primary operation has not reached a result yet.
UNRESOLVED: frozenset[PaymentStatus] = frozenset({S.CREATED, S.PENDING, S.ACTION_REQUIRED})


def is_legal(old: PaymentStatus, new: PaymentStatus) -> bool:
    return old == new or new in TRANSITIONS[old]
