"""The Payment aggregate — one merchant order — and the Operations recorded on it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .disputes import Dispute
from .outcome import Outcome
from .states import PaymentStatus


class Intent(StrEnum):
    SALE = "sale"  # authorize and capture at once
    AUTH = "auth"  # authorize now, capture later
    CREDIT = "credit"  # pay money out to the card
    VERIFY = "verify"  # check the card (account verification); nothing is held


class OperationKind(StrEnum):
    SALE = "sale"
    AUTH = "auth"
    CREDIT = "credit"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"  # incremental (+) or decremental (-) authorization
    VERIFICATION = "verification"

    @property
    def is_primary(self) -> bool:
        return self in PRIMARY_KINDS


PRIMARY_KINDS = frozenset(
    {OperationKind.SALE, OperationKind.AUTH, OperationKind.CREDIT, OperationKind.VERIFICATION}
)

PRIMARY_KIND_OF: Mapping[Intent, OperationKind] = {
    Intent.SALE: OperationKind.SALE,
    Intent.AUTH: OperationKind.AUTH,
    Intent.CREDIT: OperationKind.CREDIT,
    Intent.VERIFY: OperationKind.VERIFICATION,
}


class OperationStatus(StrEnum):
    #: Recorded to run later, when it is executed (a card-present session): holds its amount.
    REGISTERED = "registered"
    PENDING = "pending"
    ACTION_REQUIRED = "action_required"
    SUCCEEDED = "succeeded"
    DECLINED = "declined"
    FAILED = "failed"
    VOIDED = "voided"  # succeeded, then cancelled by a later void
    EXPIRED = "expired"  # registered, never executed before its time ran out
    CANCELLED = "cancelled"  # ended before it had a result (merchant or cardholder abort)

    @property
    def is_final(self) -> bool:
        return self not in _UNRESOLVED_OPERATION

    @property
    def holds_amount(self) -> bool:
        """Whether the operation reserves its amount against limits (unresolved money)."""
        return self in _HOLDING


_UNRESOLVED_OPERATION = frozenset(
    {OperationStatus.REGISTERED, OperationStatus.PENDING, OperationStatus.ACTION_REQUIRED}
)
_HOLDING = frozenset({OperationStatus.REGISTERED, OperationStatus.PENDING})


@dataclass(frozen=True, slots=True)
class Operation:
    id: str
    kind: OperationKind
    #: Minor units; signed only for ADJUSTMENT (+ increment, - decrement).
    amount: int
    status: OperationStatus
    reason: str
    created_at: datetime
    updated_at: datetime
    #: The operation this one acts on (the voided capture, the refunded sale ...).
    target_id: str | None = None
    #: For PENDING operations: when they resolve, and into what; for REGISTERED ones: when
    #: they lapse unexecuted.
    due_at: datetime | None = None
    resolution: Outcome | None = None
    #: Whether a capture leaves the authorization open for more captures.
    final: bool = True
    #: Provider-owned data (comments, wire ids, generated processor details). Never card numbers.
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: datetime
    old: PaymentStatus | None
    new: PaymentStatus
    operation_id: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    tenant: str
    provider: str
    #: The merchant's own id for the order (order_id, orderId, merchantTransactionId ...).
    reference: str
    currency: str
    #: Requested amount in minor units.
    amount: int
    intent: Intent
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    #: Whether a capture may follow a partial capture (multi-capture policies).
    capture_open: bool = False
    #: When an unused order lapses.
    expires_at: datetime | None = None
    #: The next moment time alone changes this payment (resolution, expiry, settlement).
    due_at: datetime | None = None
    operations: tuple[Operation, ...] = ()
    history: tuple[StatusChange, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    #: Disputes raised by the cardholder, oldest first (at most one open).
    disputes: tuple[Dispute, ...] = ()
    #: When time wakes the payment's provider for work of its own (a scheduled charge ...).
    wake_at: datetime | None = None

    def operation(self, operation_id: str) -> Operation | None:
        for op in self.operations:
            if op.id == operation_id:
                return op
        return None

    def of_kind(self, *kinds: OperationKind) -> Iterator[Operation]:
        return (op for op in self.operations if op.kind in kinds)

    @property
    def primary(self) -> Operation | None:
        for op in self.operations:  # a loop, not next(generator): read on every command
            if op.kind in PRIMARY_KINDS:
                return op
        return None

    @property
    def disputed(self) -> int:
        """Minor units under dispute or lost to one (never above captured less refunded)."""
        return sum(d.disputed for d in self.disputes)

    @property
    def open_dispute(self) -> Dispute | None:
        return next((d for d in self.disputes if d.is_open), None)

    def in_flight(self, kind: OperationKind) -> int:
        """Minor units held by unresolved operations of ``kind`` (reserved against limits):
        pending ones, and registered ones waiting to be executed."""
        return sum(
            op.amount for op in self.operations if op.kind is kind and op.status.holds_amount
        )
