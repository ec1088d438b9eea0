"""Macropay's words for transaction states, its error table, and its wire formats.

Documented (macropay.md §2.4 to 2.8, seed 002): the four transaction statuses and their messages,
the error codes and messages, the 403 body. Which code a rule the documentation leaves open
maps to (refund over the paid amount, a recurrence too soon ...) is sandbox-defined and listed
in docs/fidelity/macropay.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...engine import (
    DisputeStage,
    OperationKind,
    OperationStatus,
    Reason,
    RuleViolation,
    Violation,
)
from ...engine.money import to_decimal

OS = OperationStatus

# --- transaction statuses -------------------------------------------------------------------

SUCCESS = "success"
FAILED = "failed"
IN_PROCESS = "in_process"
WAITING = "waiting_user_interaction"
FINAL_STATUSES = frozenset({SUCCESS, FAILED})

STATUS: Mapping[OperationStatus, str] = {
    OS.PENDING: IN_PROCESS,
    OS.ACTION_REQUIRED: WAITING,
    OS.SUCCEEDED: SUCCESS,
    OS.VOIDED: SUCCESS,  # never happens here: Revup has no voids
    OS.DECLINED: FAILED,
    OS.FAILED: FAILED,
}

#: The pay answer's ``message`` per status (documented, word for word).
PAY_MESSAGE: Mapping[str, str] = {
    SUCCESS: "The payment has been processed successfully",
    FAILED: "The payment has failed",
    IN_PROCESS: "The payment is being processed",
    WAITING: "The payment is being processed",
}

TRANSACTION_TYPE: Mapping[OperationKind, str] = {
    OperationKind.SALE: "payment",
    OperationKind.REFUND: "refund",
}

CHARGEBACK = "chargeback"
RDR = "rdr"


def dispute_report(old: DisputeStage | None, new: DisputeStage) -> tuple[str, str]:
    """``(transactionType, transactionStatus)`` of a dispute's move (sandbox-defined): an
    inquiry is a pre-dispute (``rdr``), a chargeback a ``chargeback``; opened or escalated is
    ``in_process``, lost ``success``, won or reversed ``failed``."""
    kind = (
        RDR
        if DisputeStage.INQUIRY in (old, new) and new is not DisputeStage.CHARGEBACK
        else CHARGEBACK
    )
    if new in (DisputeStage.INQUIRY, DisputeStage.CHARGEBACK):
        return kind, IN_PROCESS
    return kind, SUCCESS if new is DisputeStage.LOST else FAILED


#: 3-D Secure version reported with ``waiting_user_interaction`` (the documented example's).
THREE_DS_VERSION = 2

# --- errors ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: str
    message: str
    status: int = 400


PROBLEM_PARSING = ErrorCode("0905", "Problem Parsing Request")
INVALID_REQUEST = ErrorCode("0300", "Invalid Request")
NOT_FOUND = ErrorCode("0108", "Transaction Not Found")
ALREADY_PROCESSED = ErrorCode("0906", "Request Already Processed")
INVALID_CARD_NUMBER = ErrorCode("0303", "Invalid Card Number")
INVALID_HOLDER = ErrorCode("0306", "Invalid Cardholder Name")
INVALID_CVV = ErrorCode("0309", "Invalid CVV")
INVALID_EXPIRY = ErrorCode("0310", "Invalid Expiry Date")
INVALID_DATA = ErrorCode("0312", "Missing or Invalid Data")
RECURRENCE_NOT_AVAILABLE = ErrorCode("0150", "Recurring Data Reference Not Available")
TOKEN_NOT_FOUND = ErrorCode("0151", "Token Not Found")
EXPIRED_CARD = ErrorCode("0204", "Expired Card")
MID_REQUIRED = ErrorCode("0907", "Configuration Error - MID Required")
INVALID_CURRENCY = ErrorCode("0307", "Invalid Currency")
NOT_PERMITTED = ErrorCode("0207", "Transaction Not Permitted")
AUTHORIZATION_FAILED = ErrorCode("0102", "Authorization Failed")
INTERNAL = ErrorCode("0900", "Internal Server Error", 500)

#: The 403 body: API Gateway's words, with its ``message`` key.
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"
#: API Gateway's answer to a path or method it does not serve (inferred, see fidelity notes).
MISSING_TOKEN = "Missing Authentication Token"

#: Answers of the gateway in front of Revup for injected HTTP errors Revup has no code for.
GATEWAY_MESSAGES: Mapping[int, str] = {
    429: "Too Many Requests",
    502: "Internal server error",
    503: "Service Unavailable",
    504: "Endpoint request timed out",
}


def error_body(error: ErrorCode) -> dict[str, Any]:
    """``{"transactionStatus": "failed", "error": {"code", "message"}}`` — exactly."""
    return {"transactionStatus": FAILED, "error": {"code": error.code, "message": error.message}}


def gateway_body(message: str) -> dict[str, Any]:
    return {"message": message}


_VIOLATIONS: Mapping[Violation, ErrorCode] = {
    Violation.ORDER_ALREADY_PROCESSED: ALREADY_PROCESSED,
    Violation.DUPLICATE_REFERENCE: ALREADY_PROCESSED,
    Violation.ORDER_EXPIRED: NOT_FOUND,
    Violation.OPERATION_NOT_FOUND: NOT_FOUND,
    Violation.CURRENCY_MISMATCH: INVALID_CURRENCY,
    Violation.INVALID_AMOUNT: INVALID_REQUEST,
    Violation.NOT_REFUNDABLE: NOT_PERMITTED,
    Violation.REFUND_EXCEEDS_CAPTURED: NOT_PERMITTED,
    Violation.RECURRENCE_NOT_AVAILABLE: RECURRENCE_NOT_AVAILABLE,
    Violation.RECURRENCE_CLOSED: RECURRENCE_NOT_AVAILABLE,
    Violation.RECURRENCE_TOO_SOON: RECURRENCE_NOT_AVAILABLE,
}


def violation_error(violation: RuleViolation) -> ErrorCode:
    """The error a broken rule answers with; anything else Revup does not permit is 0207."""
    return _VIOLATIONS.get(violation.code, NOT_PERMITTED)


#: The ``error`` of a failed transaction (notification, callback, inquiry) per neutral reason.
#: 0102 is documented on a failed refund; the others reuse the documented codes of the same
#: meaning (sandbox-defined choice).
_DECLINE: Mapping[str, ErrorCode] = {
    Reason.EXPIRED_CARD: EXPIRED_CARD,
    Reason.INVALID_CVV: INVALID_CVV,
    Reason.INVALID_CARD_NUMBER: INVALID_CARD_NUMBER,
    Reason.PROCESSOR_ERROR: INTERNAL,
}


def decline_error(reason: str) -> ErrorCode:
    return _DECLINE.get(reason, AUTHORIZATION_FAILED)


# --- wire formats ---------------------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """``2020-03-09T15:35:11.004Z``: UTC, milliseconds, ``Z`` (documented)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def amount(minor: int, currency: str) -> int | float:
    """A JSON number, as Revup's ``money.amount`` is: ``29.95``, ``10``."""
    value = to_decimal(minor, currency)
    return int(value) if value == value.to_integral_value() else float(value)


def money(minor: int, currency: str) -> dict[str, Any]:
    return {"amount": amount(minor, currency), "currency": currency}


def as_decimal(value: int | float) -> Decimal:
    return Decimal(str(value))
