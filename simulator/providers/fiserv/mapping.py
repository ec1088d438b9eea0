"""Fiserv's words for the engine's states, reasons and rule violations.

Transaction types, states, results and statuses are the spec's enums (fiserv.md §1.5-1.6).
Gateway decline codes and messages come from Fiserv/ipg-na ``AuthorisationPlatform.md`` and
``ResponseCodes.md`` (§1.6); issuer codes are Nashville's. Which engine rule maps to which code
is the sandbox's reading, listed in docs/fidelity/fiserv.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ...engine import (
    Intent,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    Reason,
    Violation,
)

K = OperationKind
OS = OperationStatus
V = Violation

TRANSACTION_TYPE: Mapping[OperationKind, str] = {
    K.SALE: "SALE",
    K.AUTH: "PREAUTH",
    K.ADJUSTMENT: "PREAUTH",
    K.CREDIT: "CREDIT",
    K.CAPTURE: "POSTAUTH",
    K.VOID: "VOID",
    K.REFUND: "RETURN",
}

#: Primary request types whose transaction type is not their intent's.
_TYPE_OF_REQUEST: Mapping[str, str] = {
    "PaymentCardDisbursementTransaction": "DISBURSEMENT",
    "PaymentTokenDisbursementTransaction": "DISBURSEMENT",
    "PaymentCardPayerAuthTransaction": "PAYER_AUTH",
}
_MONEY_MOVING = (K.SALE, K.CAPTURE, K.CREDIT, K.REFUND)


def request_transaction_type(request_type: str, kind: OperationKind) -> str | None:
    """``transactionType`` of a primary request (None: the spec has none, a card verification)."""
    return _TYPE_OF_REQUEST.get(request_type) or TRANSACTION_TYPE.get(kind)


def transaction_type(payment: Payment, op: Operation) -> str | None:
    if op.kind.is_primary:
        return request_transaction_type(str(payment.details.get("request_type", "")), op.kind)
    return TRANSACTION_TYPE.get(op.kind)


@dataclass(frozen=True, slots=True)
class Decline:
    """How a declined or failed operation is reported."""

    http: int
    #: ``N:<code>:<text>``: issuer codes as they are, gateway codes negative.
    code: str
    message: str
    #: Issuer declines carry the processor's answer; gateway declines have none.
    issuer: bool
    #: ``error.code`` of the answer (issuer codes are reported as 500NN, as recorded).
    error_code: str
    #: ``transactionResult`` when not the usual one (DECLINED for issuers, FAILED for the gateway).
    result: str | None = None
    #: The text of ``approvalCode`` when it differs from ``message``.
    approval_text: str | None = None

    @property
    def approval_code(self) -> str:
        text = self.approval_text or self.message
        return f"N:{self.code}:{text}" if self.issuer else f"N:-{self.code}:{text}"


def _issuer(code: str, message: str) -> Decline:
    error_code = f"500{code.zfill(2)}" if code.isdigit() else code
    return Decline(422, code, message, True, error_code)


def _gateway(code: str, message: str, http: int = 409) -> Decline:
    return Decline(http, code, message, False, code)


#: Issuer declines (422 EndpointDeclined): Nashville response codes.
ISSUER: Mapping[str, Decline] = {
    Reason.DO_NOT_HONOUR: _issuer("05", "Do not honour"),
    Reason.INSUFFICIENT_FUNDS: _issuer("51", "Insufficient funds"),
    Reason.EXPIRED_CARD: _issuer("54", "Wrong expiration/expired card"),
    Reason.INVALID_CVV: _issuer("C2", "CVV2 Declined"),
    Reason.INVALID_CARD_NUMBER: _issuer("14", "Invalid card number"),
}

_DUPLICATE_LOCKOUT = Decline(
    409, "5005", "Duplicate transaction", False, "SGS-005005", "FRAUD", "FRAUD - Duplicate lockout"
)

#: Gateway declines of an operation (409 GatewayDeclined; 502 for the processor link).
GATEWAY: Mapping[str, Decline] = {
    Reason.INVALID_CARD_NUMBER: _gateway("2303", "Invalid credit card number"),
    Reason.EXPIRED_CARD: _gateway("2304", "Credit card is expired or expiration date is invalid"),
    Reason.AUTHENTICATION_FAILED: _gateway(
        "50716", "Transaction declined. 3D Secure authentication failed."
    ),
    Reason.AUTHENTICATION_ABANDONED: _gateway("5103", "Cardholder did not return from ACS"),
    Reason.PROCESSOR_ERROR: _gateway("30053", "Communication Error", http=502),
    # Duplicate lockout (IPG guide: "SGS-005005: Duplicate transaction", result FRAUD).
    Reason.DUPLICATE_TRANSACTION: _DUPLICATE_LOCKOUT,
}
_GATEWAY_REASONS = frozenset(
    {
        Reason.AUTHENTICATION_FAILED,
        Reason.AUTHENTICATION_ABANDONED,
        Reason.DUPLICATE_TRANSACTION,
    }
)


def decline_of(op: Operation) -> Decline | None:
    """The decline an operation ended in (None unless declined or failed)."""
    if op.status is OS.DECLINED and op.reason not in _GATEWAY_REASONS:
        return ISSUER.get(op.reason, ISSUER[Reason.DO_NOT_HONOUR])
    if op.status in (OS.DECLINED, OS.FAILED):
        return GATEWAY.get(op.reason, GATEWAY[Reason.PROCESSOR_ERROR])
    return None


# --- states -----------------------------------------------------------------------------------


def transaction_state(payment: Payment, op: Operation, now: datetime) -> str:
    """``transactionState`` of one transaction as an inquiry finds it now."""
    if op.status in (OS.PENDING, OS.ACTION_REQUIRED):
        return "WAITING"
    if op.status in (OS.DECLINED, OS.FAILED):
        return "DECLINED"
    if op.status is OS.VOIDED or op.kind is K.VOID:
        return "VOIDED"
    if op.kind is K.VERIFICATION:
        return "CHECKED"  # a card verification or a payer authentication: nothing held
    if op.kind in (K.AUTH, K.ADJUSTMENT):
        return "VOIDED" if payment.authorized == 0 and payment.captured == 0 else "AUTHORIZED"
    if op.kind in _MONEY_MOVING and op.updated_at.date() < now.date():
        return "SETTLED"  # settled at the end of its (UTC, tenant-clock) day
    return "CAPTURED"


def transaction_result(op: Operation) -> str:
    """``transactionResult`` (24.2): APPROVED, DECLINED, FAILED or WAITING."""
    if op.status in (OS.SUCCEEDED, OS.VOIDED):
        return "APPROVED"
    if op.status in (OS.PENDING, OS.ACTION_REQUIRED):
        return "WAITING"
    decline = decline_of(op)
    if decline is not None and decline.result is not None:
        return decline.result
    return "DECLINED" if decline is not None and decline.issuer else "FAILED"


def transaction_status(op: Operation) -> str:
    """``transactionStatus`` (deprecated; processing answers only)."""
    result = transaction_result(op)
    if result == "FAILED":
        return "PROCESSING_FAILED" if op.reason == Reason.PROCESSOR_ERROR else "VALIDATION_FAILED"
    return "DECLINED" if result == "FRAUD" else result


def http_status(op: Operation) -> int:
    decline = decline_of(op)
    return 200 if decline is None else decline.http


# --- rule violations ----------------------------------------------------------------------------


class Asked(StrEnum):
    """What the merchant asked for: the same engine rule reads differently per request."""

    PRIMARY = "primary"
    INCREMENT = "increment"  # another PreAuth on an existing order
    POSTAUTH = "postauth"
    VOID = "void"
    VOID_PREAUTH = "void_preauth"
    RETURN = "return"
    ADJUST = "adjust"  # PreAuthSecondaryTransaction
    AUTHENTICATION = "authentication"  # PATCH


@dataclass(frozen=True, slots=True)
class GatewayError:
    code: str
    message: str

    @property
    def approval_code(self) -> str:
        return f"N:-{self.code}:{self.message}"


ORDER_EXISTS = GatewayError("5003", "The order already exists in the database.")
NO_PREAUTH = GatewayError("5004", "The order does not include an authorized preauth")
VOID_TARGET_NOT_FOUND = GatewayError("5006", "Transaction to be voided was not found")
VOID_AMOUNT_INVALID = GatewayError(
    "5007", "Amount within void transaction is invalid - please omit or correct"
)
NOTHING_RETURNABLE = GatewayError("5009", "No transaction found in order which can be returned")
NOT_VOIDABLE = GatewayError("5019", "The transaction to be voided is not voidable")
PREAUTH_CAPTURED = GatewayError(
    "5022",
    "The preauth is not voidable as long as there is a captured postauth - please void the "
    "postauth before",
)
NOT_CAPTURABLE = GatewayError(
    "10501",
    "Only approved (and not yet captured) PreAuth transactions can be captured by a PostAuth.",
)
POSTAUTH_DONE = GatewayError("10501", "PostAuth already performed")
INVALID_AMOUNT = GatewayError("10503", "Invalid amount or currency")
RETURN_NOT_VOIDABLE = GatewayError("10504", "This return is not voidable")
CURRENCY_MISMATCH = GatewayError(
    "22813",
    "Currency is not allowed, because approved transactions on the same order have another "
    "currency",
)
UNKNOWN_CURRENCY = GatewayError(
    "50653", "Sent invalid currency or no currencies were setup for this store"
)
WRONG_CARD = GatewayError("50294", "Wrong card information sent")
WRONG_STATE = GatewayError(
    "50305", "Referenced transaction is not in the correct transaction state"
)
NO_METHOD_WAITING = GatewayError(
    "50715",
    "Referenced transaction is either not found or not in proper status to process subsequent "
    "3DS Method request",
)
ALREADY_FINISHED = GatewayError("30056", "Referenced transaction does not exist")
NOT_AUTHENTICATED = GatewayError("50716", "Transaction declined. 3D Secure authentication failed.")

REFERENCED_NOT_FOUND = GatewayError("50715", "Referenced transaction not found")

_PLAIN: Mapping[Violation, GatewayError] = {
    V.DUPLICATE_REFERENCE: ORDER_EXISTS,
    V.ORDER_ALREADY_PROCESSED: ORDER_EXISTS,
    V.ORDER_EXPIRED: GatewayError("5995", "order too old to be referenced"),
    V.OPERATION_NOT_FOUND: REFERENCED_NOT_FOUND,
    V.NOT_CAPTURABLE: NOT_CAPTURABLE,
    V.CAPTURE_EXCEEDS_AUTHORIZED: INVALID_AMOUNT,
    V.PARTIAL_CAPTURE_NOT_ALLOWED: INVALID_AMOUNT,
    V.NOT_VOIDABLE: NOT_VOIDABLE,
    V.VOID_WINDOW_CLOSED: NOT_VOIDABLE,
    V.PARTIAL_VOID_NOT_ALLOWED: INVALID_AMOUNT,
    V.VOID_EXCEEDS_AMOUNT: INVALID_AMOUNT,
    V.NOT_REFUNDABLE: NOTHING_RETURNABLE,
    V.REFUND_EXCEEDS_CAPTURED: INVALID_AMOUNT,
    V.PARTIAL_REFUND_NOT_ALLOWED: INVALID_AMOUNT,
    V.MULTIPLE_REFUNDS_NOT_ALLOWED: NOTHING_RETURNABLE,
    # Seed 003: a return is for a transaction of an earlier day (void it on its own day).
    V.REFUND_WINDOW_NOT_OPEN: NOTHING_RETURNABLE,
    V.NOT_ADJUSTABLE: NO_PREAUTH,
    V.CURRENCY_MISMATCH: CURRENCY_MISMATCH,
    V.INVALID_AMOUNT: INVALID_AMOUNT,
    V.NOT_PENDING: ALREADY_FINISHED,
    # Fiserv registers nothing for later execution; should it, a cancel that comes too late
    # is answered as one for an operation already finished.
    V.NOT_CANCELLABLE: ALREADY_FINISHED,
    # Recurrence chains are not part of Fiserv's API here; should one ever be broken, the
    # referenced transaction is answered as unusable.
    V.RECURRENCE_NOT_AVAILABLE: REFERENCED_NOT_FOUND,
    V.RECURRENCE_CLOSED: REFERENCED_NOT_FOUND,
    V.RECURRENCE_TOO_SOON: REFERENCED_NOT_FOUND,
    # Disputes come from the card schemes, never from a merchant request (admin API only).
    V.NOT_DISPUTABLE: WRONG_STATE,
    V.DISPUTE_EXCEEDS_AVAILABLE: INVALID_AMOUNT,
    V.DISPUTE_STAGE_NOT_ALLOWED: WRONG_STATE,
}


def gateway_error(
    violation: Violation, asked: Asked, payment: Payment | None, target: Operation | None
) -> GatewayError:
    """The documented decline that fits a broken rule, given what was asked and of what."""
    if payment is not None:
        postauthed = payment.intent is Intent.AUTH and payment.captured > 0
        if violation is V.NOT_CAPTURABLE and postauthed and not payment.capture_open:
            return POSTAUTH_DONE
        if violation is V.REFUND_EXCEEDS_CAPTURED and payment.captured <= payment.refunded:
            return NOTHING_RETURNABLE
        if violation is V.NOT_VOIDABLE:
            if target is not None and target.kind is K.REFUND:
                return RETURN_NOT_VOIDABLE
            voids_preauth = asked is Asked.VOID_PREAUTH or (
                target is not None and target.kind is K.AUTH
            )
            if voids_preauth and payment.captured > 0:
                return PREAUTH_CAPTURED
            if asked is Asked.VOID_PREAUTH:
                return NO_PREAUTH
    if violation is V.OPERATION_NOT_FOUND and asked in (Asked.VOID, Asked.VOID_PREAUTH):
        return VOID_TARGET_NOT_FOUND
    if violation is V.NOT_ADJUSTABLE and asked is Asked.INCREMENT:
        return ORDER_EXISTS
    return _PLAIN[violation]
