"""The commands a merchant (or time) can issue against a payment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Issued by the cardholder's bank rather than the merchant: defined with the dispute rules.
from .disputes import AdvanceDispute as AdvanceDispute
from .outcome import APPROVED, Outcome, Reason
from .payment import Intent, OperationKind


@dataclass(frozen=True, slots=True)
class Open:
    """Register an order. It stays CREATED until ``Start`` (or lapses after the policy's TTL)."""

    payment_id: str
    tenant: str
    provider: str
    reference: str
    currency: str
    amount: int
    intent: Intent
    details: Mapping[str, Any] = field(default_factory=dict)
    #: When this order lapses unpaid, instead of the policy's order lifetime.
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CancelOrder:
    """Withdraw an order nobody has started paying: CREATED becomes CANCELLED."""


@dataclass(frozen=True, slots=True)
class Start:
    """Run the order's primary operation (sale, auth or credit) with the processor's outcome."""

    operation_id: str
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Capture:
    operation_id: str
    #: None captures everything still authorized.
    amount: int | None = None
    currency: str | None = None
    #: False keeps the authorization open for more captures (where the policy allows).
    final: bool = True
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Void:
    operation_id: str
    #: The operation to cancel; None means the authorization (the primary operation).
    target_id: str | None = None
    currency: str | None = None
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)
    #: What the merchant says it cancels; None for "all of it". A void always cancels the whole
    #: operation, so a named amount must be exactly what it holds.
    amount: int | None = None


@dataclass(frozen=True, slots=True)
class Refund:
    operation_id: str
    #: None refunds everything still refundable.
    amount: int | None = None
    currency: str | None = None
    target_id: str | None = None
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdjustAuthorization:
    """Raise (``delta`` > 0) or lower (``delta`` < 0) the authorized amount."""

    operation_id: str
    delta: int
    currency: str | None = None
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Resolve:
    """Finish a PENDING or ACTION_REQUIRED operation (3-D Secure result, async answer)."""

    target_id: str
    outcome: Outcome
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Register:
    """Record an operation that runs later, once it is executed (``Execute``): a card-present
    session that a terminal runs when the card is presented. The order's primary operation
    (its amount) or a refund (checked as a refund is, and reserved); it lapses unexecuted after
    the policy's ``order_ttl_seconds``."""

    operation_id: str
    kind: OperationKind
    #: A refund's amount (None: everything still refundable); a primary takes the order's.
    amount: int | None = None
    currency: str | None = None
    target_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Execute:
    """Run a registered operation, once, with the outcome the presented card calls for (a
    challenge outcome leaves a primary operation waiting for the cardholder's verification)."""

    operation_id: str
    outcome: Outcome = APPROVED
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Cancel:
    """End a registered operation before it is executed (a merchant abort)."""

    operation_id: str
    reason: Reason = Reason.CANCELLED_BY_MERCHANT


@dataclass(frozen=True, slots=True)
class WakeAt:
    """Wake the payment's provider at ``at`` on the tenant clock (None: never). The scheduler
    calls the provider when the moment comes, then sends ``Woken``."""

    at: datetime | None


@dataclass(frozen=True, slots=True)
class Woken:
    """The provider's work due at ``at`` is done: forget that wake-up (unless it was moved)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Tick:
    """Let time act: due resolutions, order expiry, lapsed registrations, daily settlement."""


Command = (
    Open
    | CancelOrder
    | Start
    | Capture
    | Void
    | Refund
    | AdjustAuthorization
    | Resolve
    | Register
    | Execute
    | Cancel
    | AdvanceDispute
    | WakeAt
    | Woken
    | Tick
)
