"""Neutral rule-violation codes; each provider renders them in its own error envelope."""

from __future__ import annotations

from enum import StrEnum


class Violation(StrEnum):
    DUPLICATE_REFERENCE = "duplicate_reference"
    ORDER_ALREADY_PROCESSED = "order_already_processed"
    ORDER_EXPIRED = "order_expired"
    OPERATION_NOT_FOUND = "operation_not_found"
    NOT_CAPTURABLE = "not_capturable"
    CAPTURE_EXCEEDS_AUTHORIZED = "capture_exceeds_authorized"
    PARTIAL_CAPTURE_NOT_ALLOWED = "partial_capture_not_allowed"
    NOT_VOIDABLE = "not_voidable"
    #: Only an operation still waiting to be executed can be cancelled.
    NOT_CANCELLABLE = "not_cancellable"
    VOID_WINDOW_CLOSED = "void_window_closed"
    PARTIAL_VOID_NOT_ALLOWED = "partial_void_not_allowed"
    VOID_EXCEEDS_AMOUNT = "void_exceeds_amount"
    NOT_REFUNDABLE = "not_refundable"
    REFUND_EXCEEDS_CAPTURED = "refund_exceeds_captured"
    PARTIAL_REFUND_NOT_ALLOWED = "partial_refund_not_allowed"
    MULTIPLE_REFUNDS_NOT_ALLOWED = "multiple_refunds_not_allowed"
    REFUND_WINDOW_NOT_OPEN = "refund_window_not_open"
    NOT_ADJUSTABLE = "not_adjustable"
    CURRENCY_MISMATCH = "currency_mismatch"
    INVALID_AMOUNT = "invalid_amount"
    NOT_PENDING = "not_pending"
    #: Recurrences (engine/recurrence.py).
    RECURRENCE_NOT_AVAILABLE = "recurrence_not_available"
    RECURRENCE_CLOSED = "recurrence_closed"
    RECURRENCE_TOO_SOON = "recurrence_too_soon"
    #: Disputes (engine/disputes.py).
    NOT_DISPUTABLE = "not_disputable"
    DISPUTE_EXCEEDS_AVAILABLE = "dispute_exceeds_available"
    DISPUTE_STAGE_NOT_ALLOWED = "dispute_stage_not_allowed"


class RuleViolation(Exception):
    """A command the payment's rules forbid. Nothing was changed."""

    def __init__(self, code: Violation, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
