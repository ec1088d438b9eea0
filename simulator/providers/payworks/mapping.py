"""payworks' words for transaction statuses and status details, its error envelope, and its
wire formats (dates, amounts).

Documented (payworks.md §1.4 to 1.8): the status words, the ``{"status": "ok", "data": …}``
envelope, dates as ``yyyy-MM-dd HH:mm:ss``, amounts as JSON numbers in major units. The JSON
spelling of ``statusDetails.code`` (the SDK's enum names in UPPER_SNAKE) and the whole error
envelope are sandbox-defined, listed in docs/fidelity/payworks.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...engine import (
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    Reason,
    RuleViolation,
    Violation,
)
from ...engine.money import to_decimal

OS = OperationStatus

# --- transaction statuses ---------------------------------------------------------------------

INITIALIZED = "INITIALIZED"
PENDING = "PENDING"
APPROVED = "APPROVED"
DECLINED = "DECLINED"
ABORTED = "ABORTED"
ERROR = "ERROR"

STATUS: Mapping[OperationStatus, str] = {
    OS.REGISTERED: INITIALIZED,
    OS.ACTION_REQUIRED: PENDING,  # the card is in the reader, the PIN is asked
    OS.PENDING: PENDING,  # waiting for the processor
    OS.SUCCEEDED: APPROVED,
    OS.DECLINED: DECLINED,
    OS.FAILED: ERROR,
    OS.EXPIRED: DECLINED,  # the session lapsed unexecuted: DECLINED_INVALID_SESSION_EXPIRED
    OS.CANCELLED: ABORTED,
    OS.VOIDED: ABORTED,  # never happens: payworks has no voids
}

TYPE: Mapping[OperationKind, str] = {OperationKind.SALE: "CHARGE", OperationKind.REFUND: "REFUND"}

MODE = "TEST"


@dataclass(frozen=True, slots=True)
class Detail:
    """``statusDetails``: the SDK's status detail code and what it means."""

    code: str
    description: str


_APPROVED = Detail("APPROVED", "The transaction was approved.")
_WAITING_FOR_EXECUTION = Detail(
    "INITIALIZED_AT_SERVER", "The transaction is registered and waits to be executed."
)
_AWAITING_PIN = Detail("PENDING_AWAITING_FINALIZATION", "The card asks for the cardholder's PIN.")
_WAITING_FOR_PROCESSOR = Detail("PENDING_WAITING_FOR_PROCESSOR", "The processor is working.")

#: The detail of a transaction that ended, per neutral reason; others take their status's.
_ENDED: Mapping[str, Detail] = {
    Reason.DO_NOT_HONOUR: Detail("DECLINED_PROCESSOR", "The processor declined the transaction."),
    Reason.CARD_DECLINED: Detail(
        "DECLINED_CARD_OR_TERMINAL_DECLINED", "The card or the terminal declined the transaction."
    ),
    Reason.CARD_BLOCKED: Detail("DECLINED_CARD_BLOCKED", "The card is blocked."),
    Reason.PIN_TRIES_EXCEEDED: Detail(
        "DECLINED_PIN_WRONG_TOO_OFTEN", "The PIN was entered wrongly too often."
    ),
    Reason.INSUFFICIENT_FUNDS: Detail("DECLINED_INSUFFICIENT_FUNDS", "Insufficient funds."),
    Reason.EXPIRED_CARD: Detail("DECLINED_CARD_EXPIRED", "The card has expired."),
    Reason.INVALID_CVV: Detail("DECLINED_INVALID_CVN", "The card verification number is wrong."),
    Reason.INVALID_CARD_NUMBER: Detail("DECLINED_CARD_INVALID_PAN", "The card number is invalid."),
    Reason.AUTHENTICATION_FAILED: Detail(
        "DECLINED_VERIFICATION_FAILED", "The cardholder could not be verified."
    ),
    Reason.AUTHENTICATION_ABANDONED: Detail(
        "DECLINED_VERIFICATION_FAILED", "The cardholder could not be verified."
    ),
    Reason.SESSION_EXPIRED: Detail(
        "DECLINED_INVALID_SESSION_EXPIRED",
        "The session expired before the transaction was executed.",
    ),
    Reason.PROCESSOR_ERROR: Detail("ERROR_PROCESSOR", "The processor could not be reached."),
    Reason.CANCELLED_BY_MERCHANT: Detail("ABORTED_MERCHANT_ABORTED", "The merchant aborted."),
    Reason.CANCELLED_BY_CARDHOLDER: Detail("ABORTED_SHOPPER_ABORTED", "The shopper aborted."),
    Reason.CARD_REMOVED: Detail("ABORTED_SHOPPER_REMOVED_CARD", "The shopper removed the card."),
}
_ENDED_BY_STATUS: Mapping[str, Detail] = {
    DECLINED: _ENDED[Reason.DO_NOT_HONOUR],
    ERROR: _ENDED[Reason.PROCESSOR_ERROR],
    ABORTED: _ENDED[Reason.CANCELLED_BY_MERCHANT],
}


def status_of(op: Operation) -> str:
    return STATUS[op.status]


def status_detail(op: Operation) -> Detail:
    match op.status:
        case OS.REGISTERED:
            return _WAITING_FOR_EXECUTION
        case OS.ACTION_REQUIRED:
            return _AWAITING_PIN
        case OS.PENDING:
            return _WAITING_FOR_PROCESSOR
        case OS.SUCCEEDED:
            return _APPROVED
    return _ENDED.get(op.reason) or _ENDED_BY_STATUS[STATUS[op.status]]


# --- errors -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorType:
    """One kind of error answer: the SDK's error type name and its HTTP status."""

    type: str
    status: int


PARAMETER_MISSING = ErrorType("ParameterMissing", 400)
PARAMETER_INVALID = ErrorType("ParameterInvalid", 400)
AUTHENTICATION_FAILED = ErrorType("ServerAuthenticationFailed", 401)
MERCHANT_NOT_FOUND = ErrorType("MerchantNotFound", 404)
SESSION_NOT_FOUND = ErrorType("TransactionSessionNotFound", 404)
REFERENCE_NOT_FOUND = ErrorType("TransactionReferenceNotFound", 404)
NOT_FOUND = ErrorType("NotFound", 404)
METHOD_NOT_ALLOWED = ErrorType("MethodNotAllowed", 405)
UNSUPPORTED_MEDIA_TYPE = ErrorType("ParameterInvalid", 415)
TRANSACTION_INVALID = ErrorType("TransactionInvalid", 409)
NO_LONGER_ABORTABLE = ErrorType("TransactionNoLongerAbortable", 409)
TRANSACTION_BUSY = ErrorType("TransactionBusy", 409)
SERVER_ERROR = ErrorType("ServerError", 500)

#: Injected HTTP errors, by status (others: ParameterInvalid for 4xx, ServerError for 5xx).
BY_STATUS: Mapping[int, ErrorType] = {
    400: PARAMETER_INVALID,
    401: AUTHENTICATION_FAILED,
    403: ErrorType("ServerAuthenticationFailed", 403),
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    409: TRANSACTION_BUSY,
    429: ErrorType("TransactionBusy", 429),
    503: ErrorType("ServerUnavailable", 503),
    504: ErrorType("ServerTimeout", 504),
}


def error_type_for(status: int) -> ErrorType:
    found = BY_STATUS.get(status)
    if found is not None:
        return found
    return ErrorType("ServerError" if status >= 500 else "ParameterInvalid", status)


def ok(data: Any) -> dict[str, Any]:
    """``{"status": "ok", "data": …}`` (documented)."""
    return {"status": "ok", "data": data}


def error_body(error: ErrorType, message: str) -> dict[str, Any]:
    """``{"status": "error", "error": {"type", "message"}}`` (sandbox-defined)."""
    return {"status": "error", "error": {"type": error.type, "message": message}}


_VIOLATIONS: Mapping[Violation, tuple[ErrorType, str]] = {
    Violation.NOT_CANCELLABLE: (NO_LONGER_ABORTABLE, "The transaction can no longer be aborted"),
    Violation.ORDER_EXPIRED: (NO_LONGER_ABORTABLE, "The transaction session has expired"),
    Violation.ORDER_ALREADY_PROCESSED: (TRANSACTION_INVALID, "The transaction was executed"),
    Violation.DUPLICATE_REFERENCE: (TRANSACTION_BUSY, "The transaction is being registered"),
    Violation.OPERATION_NOT_FOUND: (REFERENCE_NOT_FOUND, "No such transaction"),
    Violation.NOT_REFUNDABLE: (
        TRANSACTION_INVALID,
        "Only an APPROVED CHARGE that is not refunded can be refunded",
    ),
    Violation.REFUND_EXCEEDS_CAPTURED: (
        TRANSACTION_INVALID,
        "The refunds would exceed the amount of the charge",
    ),
    Violation.PARTIAL_REFUND_NOT_ALLOWED: (
        PARAMETER_INVALID,
        "A card-present refund is for exactly the amount and currency of the charge",
    ),
    Violation.MULTIPLE_REFUNDS_NOT_ALLOWED: (TRANSACTION_INVALID, "The charge is refunded"),
    Violation.CURRENCY_MISMATCH: (
        PARAMETER_INVALID,
        "transaction.currency: a refund is in the currency of the charge",
    ),
    Violation.INVALID_AMOUNT: (PARAMETER_INVALID, "transaction.amount is not valid"),
}


def violation_error(violation: RuleViolation, about: str | None = None) -> tuple[ErrorType, str]:
    """The error a broken rule answers with: what payworks' SDK calls it, and why (``about``:
    the state of the transaction, in payworks' words)."""
    error, message = _VIOLATIONS.get(
        violation.code, (TRANSACTION_INVALID, "The transaction does not allow this")
    )
    return error, f"{message}: {about}" if about else message


def refund_state(payment: Payment, charge: Operation) -> str:
    """What a refund of ``charge`` meets: its status, amount and what can still be refunded."""
    currency = payment.currency
    refunding = payment.in_flight(OperationKind.REFUND)
    # Money under a chargeback is the cardholder's bank's to return, not the merchant's.
    left = payment.captured - payment.refunded - refunding - payment.disputed
    if charge.status is not OS.SUCCEEDED:
        return f"the charge is {status_of(charge)}"
    return (
        f"the charge is {status_of(charge)} for {money(charge.amount, currency)}, "
        f"{money(max(left, 0), currency)} of it can be refunded now"
    )


# --- wire formats -----------------------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """``2013-09-03 11:03:34``: UTC, no zone suffix (documented)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def money(minor: int, currency: str) -> str:
    """``20.00 EUR``, for messages."""
    return f"{to_decimal(minor, currency)} {currency}"


def amount(minor: int, currency: str) -> int | float:
    """A JSON number in major units, as payworks sends it: ``123.34``, ``10``."""
    value = to_decimal(minor, currency)
    return int(value) if value == value.to_integral_value() else float(value)
