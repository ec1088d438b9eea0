"""Tranzzo's words for canonical states, its status codes, and its error answers.

Documented codes (tranzzo.md §2.7): 1000 purchase success, 1002 auth success, 1004 refund success,
2122 3-D Secure required, 2007 wrong CVV2, 5152 authorization error. Every other code here is
sandbox-defined and listed in docs/fidelity/tranzzo.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...engine import (
    Operation,
    OperationKind,
    OperationStatus,
    Reason,
    RuleViolation,
    Violation,
)
from ...engine.money import exponent

K = OperationKind
OS = OperationStatus

METHOD: Mapping[OperationKind, str] = {
    K.SALE: "purchase",
    K.AUTH: "auth",
    K.CREDIT: "credit",
    K.VERIFICATION: "lookup",
    K.CAPTURE: "capture",
    K.VOID: "void",
    K.REFUND: "refund",
}
KIND_OF_METHOD: Mapping[str, OperationKind] = {method: kind for kind, method in METHOD.items()}

STATUS: Mapping[OperationStatus, str] = {
    OS.PENDING: "pending",
    OS.ACTION_REQUIRED: "pending",
    OS.SUCCEEDED: "success",
    OS.VOIDED: "success",  # the operation succeeded; a later void is its own operation
    OS.DECLINED: "failure",
    OS.FAILED: "failure",
}


@dataclass(frozen=True, slots=True)
class StatusCode:
    code: str
    description: str


#: Success codes per operation (1000/1002/1004 documented; the rest sandbox-defined).
SUCCESS: Mapping[OperationKind, StatusCode] = {
    K.SALE: StatusCode("1000", "Transaction is successful."),
    K.AUTH: StatusCode("1002", "Authorization is successful."),
    K.REFUND: StatusCode("1004", "Refund successful."),
    K.CAPTURE: StatusCode("1001", "Capture successful."),
    K.VOID: StatusCode("1003", "Void successful."),
    K.CREDIT: StatusCode("1005", "Credit successful."),
    K.VERIFICATION: StatusCode("1006", "Card lookup is successful."),
}
#: Success codes of primary methods that share an operation kind with another (sandbox-defined).
SUCCESS_OF_METHOD: Mapping[str, StatusCode] = {
    "p2p": StatusCode("1007", "P2P transfer is successful."),
}

INIT = StatusCode("1100", "Payment created, waiting for the customer.")
THREE_DS_REQUIRED = StatusCode("2122", "3DS verification is required to finish the transaction.")
PROCESSING = StatusCode("2100", "Transaction is being processed.")

#: Failure codes per neutral reason (2007 and 5152 documented, the rest sandbox-defined).
FAILURE: Mapping[str, StatusCode] = {
    Reason.INVALID_CVV: StatusCode("2007", "Wrong CVV2."),
    Reason.DO_NOT_HONOUR: StatusCode("5152", "Authorization error. Contact issuer bank."),
    Reason.INSUFFICIENT_FUNDS: StatusCode("5051", "Insufficient funds."),
    Reason.EXPIRED_CARD: StatusCode("5054", "Expired card."),
    Reason.INVALID_CARD_NUMBER: StatusCode("5014", "Invalid card number."),
    Reason.AUTHENTICATION_FAILED: StatusCode("2108", "3DS verification failed."),
    Reason.AUTHENTICATION_ABANDONED: StatusCode("2109", "3DS verification was not completed."),
    Reason.PROCESSOR_ERROR: StatusCode("6000", "Processing error. Try again later."),
}
_FAILURE_FALLBACK = FAILURE[Reason.DO_NOT_HONOUR]


def status_code(op: Operation, method: str | None = None) -> StatusCode:
    """The operation's status code (``method``: the order's, for primary operations)."""
    match op.status:
        case OS.SUCCEEDED | OS.VOIDED:
            return SUCCESS_OF_METHOD.get(method or "") or SUCCESS[op.kind]
        case OS.ACTION_REQUIRED:
            return THREE_DS_REQUIRED
        case OS.PENDING:
            return PROCESSING
        case _:
            return FAILURE.get(op.reason, _FAILURE_FALLBACK)


# --- wire formats ---------------------------------------------------------------------------


def timestamp(moment: datetime | None) -> str | None:
    """``2018-10-10T10:10:10.100``: UTC, no zone, milliseconds — as Tranzzo writes them."""
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds")[:23]


def amount(minor: int, currency: str) -> int | float:
    """A JSON number as Tranzzo writes amounts: ``100``, ``50.5``. (The float of the exact
    ``to_decimal`` value: an int division is correctly rounded too, without a Decimal.)"""
    scale: int = 10 ** exponent(currency)
    whole, rest = divmod(minor, scale)
    return minor / scale if rest else whole


# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    status: int
    code: str
    message: str


#: API error codes (``args.code``). Only P-409 (duplicate order) is documented.
INVALID_PARAMS = "P-400"
UNAUTHORIZED = "P-401"
NOT_FOUND = "P-404"
METHOD_NOT_ALLOWED = "P-405"
NOT_ACCEPTABLE = "P-406"
DUPLICATE_ORDER = "P-409"
NOT_ALLOWED = "P-410"
AMOUNT_EXCEEDED = "P-411"
CURRENCY_MISMATCH = "P-412"
TOO_MANY_REQUESTS = "P-429"
INTERNAL = "P-500"
UNAVAILABLE = "P-503"

CODE_FOR_STATUS: Mapping[int, str] = {
    400: INVALID_PARAMS,
    401: UNAUTHORIZED,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    406: NOT_ACCEPTABLE,
    409: DUPLICATE_ORDER,
    429: TOO_MANY_REQUESTS,
    500: INTERNAL,
    503: UNAVAILABLE,
}

_VIOLATIONS: Mapping[Violation, ErrorSpec] = {
    Violation.DUPLICATE_REFERENCE: ErrorSpec(
        400, DUPLICATE_ORDER, "Order with this order_id already exists"
    ),
    Violation.ORDER_ALREADY_PROCESSED: ErrorSpec(
        400, DUPLICATE_ORDER, "Order is already processed"
    ),
    Violation.ORDER_EXPIRED: ErrorSpec(400, NOT_ALLOWED, "Order has expired"),
    Violation.OPERATION_NOT_FOUND: ErrorSpec(404, NOT_FOUND, "Operation not found"),
    Violation.NOT_CAPTURABLE: ErrorSpec(
        400, NOT_ALLOWED, "Capture is allowed only for a successful auth"
    ),
    Violation.CAPTURE_EXCEEDS_AUTHORIZED: ErrorSpec(
        400, AMOUNT_EXCEEDED, "Capture amount exceeds the authorized amount"
    ),
    Violation.PARTIAL_CAPTURE_NOT_ALLOWED: ErrorSpec(
        400, NOT_ALLOWED, "Partial capture is not allowed"
    ),
    Violation.NOT_VOIDABLE: ErrorSpec(
        400, NOT_ALLOWED, "Void is allowed only for a successful auth"
    ),
    Violation.VOID_WINDOW_CLOSED: ErrorSpec(400, NOT_ALLOWED, "Void is no longer possible"),
    # Tranzzo registers nothing for later execution; answered like any operation not allowed.
    Violation.NOT_CANCELLABLE: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    Violation.PARTIAL_VOID_NOT_ALLOWED: ErrorSpec(400, NOT_ALLOWED, "Partial void is not allowed"),
    Violation.VOID_EXCEEDS_AMOUNT: ErrorSpec(
        400, AMOUNT_EXCEEDED, "Void amount exceeds the authorized amount"
    ),
    Violation.NOT_REFUNDABLE: ErrorSpec(
        400, NOT_ALLOWED, "Refund is allowed only for a successful purchase or capture"
    ),
    Violation.REFUND_EXCEEDS_CAPTURED: ErrorSpec(
        400, AMOUNT_EXCEEDED, "Refund amount exceeds the available amount"
    ),
    Violation.PARTIAL_REFUND_NOT_ALLOWED: ErrorSpec(
        400, NOT_ALLOWED, "Partial refund is not allowed"
    ),
    Violation.MULTIPLE_REFUNDS_NOT_ALLOWED: ErrorSpec(
        400, NOT_ALLOWED, "Only one refund is allowed"
    ),
    Violation.REFUND_WINDOW_NOT_OPEN: ErrorSpec(
        400, NOT_ALLOWED, "Refund is not possible on the day of payment"
    ),
    Violation.NOT_ADJUSTABLE: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    Violation.CURRENCY_MISMATCH: ErrorSpec(
        400, CURRENCY_MISMATCH, "order_currency does not match the order currency"
    ),
    Violation.INVALID_AMOUNT: ErrorSpec(400, INVALID_PARAMS, "Invalid amount provided"),
    Violation.NOT_PENDING: ErrorSpec(400, NOT_ALLOWED, "Operation is already finished"),
    Violation.RECURRENCE_NOT_AVAILABLE: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    Violation.RECURRENCE_CLOSED: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    Violation.RECURRENCE_TOO_SOON: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    # Disputes come from the card schemes, never from a merchant request (admin API only).
    Violation.NOT_DISPUTABLE: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
    Violation.DISPUTE_EXCEEDS_AVAILABLE: ErrorSpec(
        400, AMOUNT_EXCEEDED, "Amount exceeds the available amount"
    ),
    Violation.DISPUTE_STAGE_NOT_ALLOWED: ErrorSpec(400, NOT_ALLOWED, "Operation is not allowed"),
}


def violation_spec(violation: RuleViolation) -> ErrorSpec:
    return _VIOLATIONS[violation.code]  # complete: tests/providers/test_violations_are_rendered.py


def error_body(message: str, code: str, **details: str) -> dict[str, object]:
    """``{"message": ..., "args": {"code": ...}}`` — message ≤ 512, code ≤ 16 (documented)."""
    return {"message": message[:512], "args": {"code": code[:16], **details}}


def as_decimal(value: int | float) -> Decimal:
    return Decimal(str(value))
