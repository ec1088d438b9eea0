"""Paymentz's words for payment states, its result codes, and its wire formats.

Documented (paymentz.md §3.5 to 3.7, seed 001): the short ``transactionStatus`` letters, the long
``status`` words and their transition model, and the result codes 00001, 00004, 00005, 00006,
00026, 10001 and 200. Every other code here is sandbox-defined and listed in
docs/fidelity/paymentz.md, as is which long status a canonical state shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...engine import (
    Intent,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentStatus,
    Reason,
    RuleViolation,
    Violation,
)
from ...engine.money import to_decimal

K = OperationKind
OS = OperationStatus
S = PaymentStatus

# --- payment types ----------------------------------------------------------------------------

DEBIT, PREAUTH, CAPTURE, REFUND, REVERSAL, INQUIRY, PAYOUT = (
    "DB",
    "PA",
    "CP",
    "RF",
    "RV",
    "IN",
    "PO",
)

INTENT_OF: Mapping[str, Intent] = {DEBIT: Intent.SALE, PREAUTH: Intent.AUTH, PAYOUT: Intent.CREDIT}
TYPE_OF_INTENT: Mapping[Intent, str] = {intent: t for t, intent in INTENT_OF.items()}
TYPE_OF_KIND: Mapping[OperationKind, str] = {
    K.SALE: DEBIT,
    K.AUTH: PREAUTH,
    K.CREDIT: PAYOUT,
    K.CAPTURE: CAPTURE,
    K.REFUND: REFUND,
    K.VOID: REVERSAL,
}

# --- statuses ---------------------------------------------------------------------------------

YES, NO, PENDING, THREE_D, CANCELLED = "Y", "N", "P", "3D", "C"

#: The short status of every long one (paymentz.md §3.6; ``reversed`` and ``chargeback`` are
#: not in the documented mapping: sandbox-defined).
SHORT: Mapping[str, str] = {
    "begun": PENDING,
    "authstarted": PENDING,
    "capturestarted": PENDING,
    "cancelstarted": PENDING,
    "markedforreversal": PENDING,
    "payoutstarted": PENDING,
    "authsuccessful": YES,
    "capturesuccess": YES,
    "settled": YES,
    "payoutsuccessful": YES,
    "reversed": YES,
    "authfailed": NO,
    "capturefailed": NO,
    "failed": NO,
    "payoutfailed": NO,
    "chargeback": NO,
    "authcancelled": CANCELLED,
    "cancelled": CANCELLED,
}
LONG_STATUSES = tuple(SHORT)


def long_status(p: Payment) -> str:
    """The payment's long ``status``, along the documented transition model."""
    payout = p.intent is Intent.CREDIT
    match p.status:
        case S.CREATED:
            return "begun"
        case S.PENDING | S.ACTION_REQUIRED:
            return "payoutstarted" if payout else "authstarted"
        case S.AUTHORIZED:
            if p.in_flight(K.CAPTURE):
                return "capturestarted"
            captures = list(p.of_kind(K.CAPTURE))
            if captures and captures[-1].status in (OS.DECLINED, OS.FAILED):
                return "capturefailed"
            return "authsuccessful"
        case S.CAPTURED | S.SETTLED | S.PARTIALLY_REFUNDED | S.REFUNDED if charged_back(p):
            return "chargeback"
        case S.CAPTURED | S.SETTLED:
            if p.in_flight(K.REFUND):
                return "markedforreversal"
            if payout:
                return "payoutsuccessful"
            return "settled" if p.status is S.SETTLED else "capturesuccess"
        case S.PARTIALLY_REFUNDED | S.REFUNDED:
            return "reversed"
        case S.VOIDED | S.CANCELLED:
            return "cancelled"
        case S.EXPIRED:
            return "authcancelled"
        case S.DECLINED:
            if payout:
                return "payoutfailed"
            primary = p.primary
            abandoned = primary is not None and primary.reason == Reason.AUTHENTICATION_ABANDONED
            return "authcancelled" if abandoned else "authfailed"
        case S.FAILED:
            return "payoutfailed" if payout else "failed"
    raise AssertionError(p.status)


def charged_back(p: Payment) -> bool:
    """A chargeback took money back and stands (its dispute is open or lost; sandbox reading:
    an inquiry is not yet a chargeback, a won or reversed one is over)."""
    return any(d.charged_back for d in p.disputes)


def short_status(p: Payment) -> str:
    """``transactionStatus``: 3D while the cardholder authenticates, else the long one's."""
    if p.status is S.ACTION_REQUIRED:
        return THREE_D
    return SHORT[long_status(p)]


def operation_status(p: Payment, op: Operation) -> str:
    """``transactionStatus`` of one operation's answer or callback."""
    if op.kind.is_primary:
        return short_status(p)
    if op.status is OS.PENDING:
        return PENDING
    if op.status in (OS.DECLINED, OS.FAILED):
        return NO
    return CANCELLED if op.kind is K.VOID else YES


# --- result codes -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultCode:
    code: str
    description: str
    #: HTTP status of an answer carrying it (200: a processed transaction, whatever its result).
    http: int = 200

    def body(self, detail: str = "") -> dict[str, str]:
        return {"code": self.code, "description": f"{self.description}{detail}"}


# Documented codes.
SUCCEEDED = ResultCode("00001", "Transaction succeeded")
CAPTURED = ResultCode("00004", "Transaction captured successfully")
REFUNDED = ResultCode("00005", "Transaction refunded successfully")
REVERSED = ResultCode("00006", "Transaction cancelled successfully")
FOUND = ResultCode("00026", "Your record found successfully")
FAILED = ResultCode("10001", "Transaction failed")
TOKEN_GENERATED = ResultCode("200", "Token generated successfully")
# Sandbox-defined: what a transaction in flight answers.
PROCESSING = ResultCode("00002", "Transaction is pending")
AUTHENTICATION_REQUIRED = ResultCode("00003", "Transaction requires 3D Secure authentication")
# Sandbox-defined errors (10009 "Record not found" is seen in integrations, unverified).
NOT_FOUND = ResultCode("10009", "Record not found", 404)
MISSING_PARAMETER = ResultCode("11001", "Missing parameter: ", 400)
INVALID_PARAMETER = ResultCode("11002", "Invalid parameter: ", 400)
MALFORMED_BODY = ResultCode("11003", "Malformed request body", 400)
UNSUPPORTED_MEDIA_TYPE = ResultCode("11004", "Unsupported Content-Type", 415)
INVALID_CARD_NUMBER = ResultCode("11005", "Invalid card number", 400)
INVALID_CHECKSUM = ResultCode("11006", "Checksum mismatch", 403)
UNKNOWN_ENDPOINT = ResultCode("11007", "Unknown endpoint", 404)
METHOD_NOT_ALLOWED = ResultCode("11008", "Method not allowed", 405)
UNSUPPORTED_PAYMENT_MODE = ResultCode("11009", "Payment mode not supported", 400)
TOKEN_MISSING = ResultCode("12001", "Authentication token missing", 401)
TOKEN_INVALID = ResultCode("12002", "Authentication token invalid", 401)
TOKEN_EXPIRED = ResultCode("12003", "Authentication token expired", 401)
BAD_CREDENTIALS = ResultCode("12004", "Invalid memberId or secure key", 401)
DUPLICATE_TRANSACTION = ResultCode("13001", "Duplicate merchantTransactionId", 409)
NOT_ALLOWED = ResultCode("13002", "Operation not allowed for this transaction", 409)
CAPTURE_EXCEEDS = ResultCode("13003", "Capture amount exceeds the authorized amount", 409)
REFUND_EXCEEDS = ResultCode("13004", "Refund amount exceeds the captured amount", 409)
ALREADY_REFUNDED = ResultCode("13005", "Transaction already refunded", 409)
PARTIAL_REVERSAL = ResultCode("13006", "Partial reversal not allowed", 409)
REVERSAL_EXCEEDS = ResultCode("13007", "Reversal amount exceeds the authorized amount", 409)
CURRENCY_MISMATCH = ResultCode("13008", "Currency does not match the transaction", 409)
REGISTRATION_UNAVAILABLE = ResultCode("13009", "Registration not available", 409)
TRANSACTION_EXPIRED = ResultCode("13010", "Transaction expired", 409)
INTERNAL = ResultCode("19001", "Internal error", 500)
UNAVAILABLE = ResultCode("19002", "Service temporarily unavailable", 503)

#: Every code the sandbox answers with (docs/fidelity/paymentz.md lists them).
RESULT_CODES: tuple[ResultCode, ...] = (
    SUCCEEDED, CAPTURED, REFUNDED, REVERSED, FOUND, FAILED, TOKEN_GENERATED, PROCESSING,
    AUTHENTICATION_REQUIRED, NOT_FOUND, MISSING_PARAMETER, INVALID_PARAMETER, MALFORMED_BODY,
    UNSUPPORTED_MEDIA_TYPE, INVALID_CARD_NUMBER, INVALID_CHECKSUM, UNKNOWN_ENDPOINT,
    METHOD_NOT_ALLOWED, UNSUPPORTED_PAYMENT_MODE, TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED,
    BAD_CREDENTIALS, DUPLICATE_TRANSACTION, NOT_ALLOWED, CAPTURE_EXCEEDS, REFUND_EXCEEDS,
    ALREADY_REFUNDED, PARTIAL_REVERSAL, REVERSAL_EXCEEDS, CURRENCY_MISMATCH,
    REGISTRATION_UNAVAILABLE, TRANSACTION_EXPIRED, INTERNAL, UNAVAILABLE,
)  # fmt: skip

_VIOLATIONS: Mapping[Violation, ResultCode] = {
    Violation.DUPLICATE_REFERENCE: DUPLICATE_TRANSACTION,
    Violation.ORDER_ALREADY_PROCESSED: NOT_ALLOWED,
    Violation.ORDER_EXPIRED: TRANSACTION_EXPIRED,
    Violation.OPERATION_NOT_FOUND: NOT_FOUND,
    Violation.CAPTURE_EXCEEDS_AUTHORIZED: CAPTURE_EXCEEDS,
    Violation.REFUND_EXCEEDS_CAPTURED: REFUND_EXCEEDS,
    Violation.MULTIPLE_REFUNDS_NOT_ALLOWED: ALREADY_REFUNDED,
    Violation.PARTIAL_VOID_NOT_ALLOWED: PARTIAL_REVERSAL,
    Violation.VOID_EXCEEDS_AMOUNT: REVERSAL_EXCEEDS,
    Violation.CURRENCY_MISMATCH: CURRENCY_MISMATCH,
    Violation.RECURRENCE_NOT_AVAILABLE: REGISTRATION_UNAVAILABLE,
    Violation.RECURRENCE_CLOSED: REGISTRATION_UNAVAILABLE,
    Violation.RECURRENCE_TOO_SOON: REGISTRATION_UNAVAILABLE,
}


def violation_code(violation: RuleViolation) -> tuple[ResultCode, str]:
    """The code a broken rule answers with, and the detail its description carries."""
    if violation.code is Violation.INVALID_AMOUNT:
        return INVALID_PARAMETER, "amount"
    return _VIOLATIONS.get(violation.code, NOT_ALLOWED), ""


def result_of(p: Payment, op: Operation) -> ResultCode:
    """The ``result`` of an answer or callback about one operation."""
    if op.status is OS.ACTION_REQUIRED:
        return AUTHENTICATION_REQUIRED
    if op.status is OS.PENDING:
        return PROCESSING
    if op.status in (OS.DECLINED, OS.FAILED):
        return FAILED
    return {K.CAPTURE: CAPTURED, K.REFUND: REFUNDED, K.VOID: REVERSED}.get(op.kind, SUCCEEDED)


#: The bank's answer in ``remark`` (ISO 8583 response texts), per neutral reason.
REMARK: Mapping[str, str] = {
    Reason.APPROVED: "Approved or completed successfully",
    Reason.DO_NOT_HONOUR: "Do not honour",
    Reason.INSUFFICIENT_FUNDS: "Insufficient funds",
    Reason.EXPIRED_CARD: "Expired card",
    Reason.INVALID_CVV: "Invalid CVV",
    Reason.INVALID_CARD_NUMBER: "Invalid card number",
    Reason.PROCESSOR_ERROR: "System malfunction",
    Reason.AUTHENTICATION_REQUIRED: "3D Secure authentication required",
    Reason.AUTHENTICATION_FAILED: "3D Secure authentication failed",
    Reason.AUTHENTICATION_ABANDONED: "3D Secure authentication abandoned",
    Reason.PROCESSING: "Transaction in progress",
}


def remark(op: Operation) -> str:
    return REMARK.get(op.reason, "Transaction in progress")


# --- wire formats -----------------------------------------------------------------------------


def amount(minor: int, currency: str) -> str:
    """``"156.00"``: major units with exactly two decimals, as every Paymentz amount is."""
    return f"{to_decimal(minor, currency).quantize(Decimal('0.01'))}"


def timestamp(moment: datetime) -> str:
    """``2018-03-16 22:12:10`` (UTC, tenant clock)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


#: E-commerce indicators (authenticated, not authenticated) per scheme; Visa's for the rest.
_ECI: Mapping[str, tuple[str, str]] = {"MASTERCARD": ("02", "00"), "MAESTRO": ("02", "00")}


def eci(brand: str, authenticated: bool) -> str:
    passed, plain = _ECI.get(brand, ("05", "07"))
    return passed if authenticated else plain


#: Card brands as ``paymentBrand`` names them, per the scheme a number belongs to.
BRAND: Mapping[str, str] = {
    "VISA": "VISA",
    "MASTERCARD": "MC",
    "MAESTRO": "MAESTRO",
    "AMEX": "AMEX",
    "JCB": "JCB",
    "DINERS": "DINERS",
    "DISCOVER": "DISCOVER",
}
