"""Domain events: what changed, for the webhook dispatcher and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from .disputes import DisputeStage
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


@dataclass(frozen=True, slots=True)
class DisputeUpdated:
    """A dispute opened (``old`` None) or moved to a new stage."""

    payment_id: str
    dispute_id: str
    old: DisputeStage | None
    new: DisputeStage


Event = OperationUpdated | StatusChanged | DisputeUpdated
