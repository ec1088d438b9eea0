"""The pure domain core: payments, their rules and their states. No I/O, no asyncio."""

from .commands import (
    AdjustAuthorization,
    AdvanceDispute,
    Cancel,
    Capture,
    Command,
    Open,
    Refund,
    Resolve,
    Start,
    Tick,
    Void,
    WakeAt,
    Woken,
)
from .decide import Decision, InvariantBroken, check_invariants, decide
from .disputes import DISPUTE_MOVES, Dispute, DisputeChange, DisputeStage
from .events import DisputeUpdated, Event, OperationUpdated, StatusChanged
from .outcome import APPROVED, CHALLENGE, Outcome, Reason, Result, declined, failed, pending
from .payment import (
    Intent,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    StatusChange,
)
from .policy import Policy
from .states import FINAL, TRANSITIONS, UNRESOLVED, PaymentStatus, is_legal
from .violations import RuleViolation, Violation

__all__ = [
    "APPROVED",
    "CHALLENGE",
    "DISPUTE_MOVES",
    "FINAL",
    "TRANSITIONS",
    "UNRESOLVED",
    "AdjustAuthorization",
    "AdvanceDispute",
    "Cancel",
    "Capture",
    "Command",
    "Decision",
    "Dispute",
    "DisputeChange",
    "DisputeStage",
    "DisputeUpdated",
    "Event",
    "Intent",
    "InvariantBroken",
    "Open",
    "Operation",
    "OperationKind",
    "OperationStatus",
    "OperationUpdated",
    "Outcome",
    "Payment",
    "PaymentStatus",
    "Policy",
    "Reason",
    "Refund",
    "Resolve",
    "Result",
    "RuleViolation",
    "Start",
    "StatusChange",
    "StatusChanged",
    "Tick",
    "Violation",
    "Void",
    "WakeAt",
    "Woken",
    "check_invariants",
    "decide",
    "declined",
    "failed",
    "is_legal",
    "pending",
]
