"""Domain events: what changed, for the webhook dispatcher and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from .payment import OperationKind, OperationStatus
from .states import PaymentStatus


@dataclass(frozen=True, slots=True)
class OperationUpdated:
    """An operation was recorded or reached a new status."""

    payment_id: str
    operation_id: str
    kind: OperationKind
    status: OperationStatus


@dataclass(frozen=True, slots=True)
class StatusChanged:
    payment_id: str
    old: PaymentStatus | None
    new: PaymentStatus


Event = OperationUpdated | StatusChanged
