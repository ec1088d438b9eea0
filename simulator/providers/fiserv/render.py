"""Fiserv's answer bodies built from a payment: transactions, orders, refusals, tokens.

``transactionStatus`` is only on processing answers ("not stored, not returned on GET
inquiries", fiserv.md §1.5); ``transactionResult`` and ``transactionState`` are on both.
Amounts are JSON numbers, ``transactionTime`` is in seconds, ``ipgTransactionId`` a numeric
string, card expiry years four digits (as recorded responses show them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...engine import Operation, OperationKind, OperationStatus, Payment
from ...engine.money import is_currency, to_decimal
from ...outcomes.issuers import issuer_of
from ...services.tokens import StoredCard
from ...ui.links import acs_url
from . import envelope, threeds
from .mapping import (
    GatewayError,
    decline_of,
    http_status,
    transaction_result,
    transaction_state,
    transaction_status,
    transaction_type,
)

K = OperationKind
OS = OperationStatus
_NETWORK = {"VISA": "VISA", "MASTERCARD": "MASTERCARD", "AMEX": "AMEX", "MAESTRO": "MAESTRO"}


def amount(minor: int, currency: str, components: dict[str, Any] | None = None) -> dict[str, Any]:
    total = float(to_decimal(abs(minor), currency))
    return {"total": total, "currency": currency, "components": components or {"subtotal": total}}


def card_details(payment: Payment) -> dict[str, Any] | None:
    card = payment.details.get("card")
    if not card:
        return None
    body: dict[str, Any] = {"bin": card["bin"], "last4": card["last4"], "brand": card["brand"]}
    if card.get("month") and card.get("year"):
        body = {"expiryDate": {"month": f"{card['month']:02d}", "year": str(card["year"])}, **body}
    return {"paymentCard": body, "paymentMethodType": "PAYMENT_CARD"}


def transaction(
    payment: Payment, op: Operation, now: datetime, *, processing: bool, echo: bool = True
) -> dict[str, Any]:
    """A TransactionResponse: the answer to a request (``processing``) or an inquiry
    (``echo``: with the request's clientRequestId and apiTraceId; not inside an order)."""
    d = payment.details
    od = op.details
    body: dict[str, Any] = {
        **(envelope.head() if echo else {}),
        "ipgTransactionId": op.id,
        "orderId": payment.reference,
    }
    kind = transaction_type(payment, op)
    if kind is not None:
        body["transactionType"] = kind
    token = d.get("token")
    if token and op.kind.is_primary and op.status in (OS.SUCCEEDED, OS.VOIDED):
        body["paymentToken"] = token
    body["transactionOrigin"] = od.get("origin") or d.get("origin_type", "ECOM")
    card = card_details(payment)
    if card is not None:
        body["paymentMethodDetails"] = card
        kept = payment.details["card"]
        body["country"] = issuer_of(kept["bin"], kept["brand"]).country.name
    body["terminalId"] = d.get("terminal_id")
    body["merchantId"] = d.get("merchant_id")
    if od.get("merchant_transaction_id"):
        body["merchantTransactionId"] = od["merchant_transaction_id"]
    body["transactionTime"] = int(op.created_at.timestamp())
    result = transaction_result(op)
    if is_currency(payment.currency):  # a card verification moves no money and has none
        money = amount(op.amount, payment.currency, od.get("components"))
        if result in ("APPROVED", "WAITING"):
            body["approvedAmount"] = money
        body["transactionAmount"] = money
    if processing:
        body["transactionStatus"] = transaction_status(op)
    body["transactionResult"] = result
    body["approvalCode"] = _approval_code(op, result)
    decline = decline_of(op)
    if decline is not None:
        body["errorMessage"] = f"{decline.error_code}: {decline.message}"
    body["transactionState"] = transaction_state(payment, op, now)
    body.update(_authentication(payment, op))
    if result == "APPROVED" and op.kind.is_primary and od.get("scheme_id"):
        body["schemeTransactionId"] = od["scheme_id"]
    processor = _processor(payment, op)
    if processor is not None:
        body["processor"] = processor
    return body


def answer(payment: Payment, op: Operation, now: datetime) -> tuple[int, dict[str, Any]]:
    """The processing answer: 200, or the transaction with its error (409, 422, 502)."""
    body = transaction(payment, op, now, processing=True)
    decline = decline_of(op)
    status = http_status(op)
    if decline is not None:
        response_type = envelope.RESPONSE_TYPE[status]
        body = {**body, "responseType": response_type}
        body["error"] = {"code": decline.error_code, "message": decline.message}
    return status, body


def refusal(
    error: GatewayError,
    now: datetime,
    *,
    order_id: str | None = None,
    transaction_type: str | None = None,
) -> dict[str, Any]:
    """A 409 GatewayDeclined for a request the gateway refused before recording anything."""
    body: dict[str, Any] = {**envelope.head(), "responseType": "GatewayDeclined"}
    if order_id is not None:
        body["orderId"] = order_id
    if transaction_type is not None:
        body["transactionType"] = transaction_type
    body.update(
        transactionTime=int(now.timestamp()),
        transactionStatus="VALIDATION_FAILED",
        transactionResult="FAILED",
        approvalCode=error.approval_code,
        errorMessage=f"{error.code}: {error.message}",
        error={"code": error.code, "message": error.message},
    )
    return body


def order(payment: Payment, now: datetime) -> dict[str, Any]:
    """An OrderResponse: the order and every transaction on it, oldest first."""
    body: dict[str, Any] = {**envelope.head(), "orderId": payment.reference}
    for part in ("billing", "shipping"):
        if payment.details.get(part):
            body[part] = payment.details[part]
    body["transactions"] = [
        transaction(payment, op, now, processing=False, echo=False) for op in payment.operations
    ]
    return body


def token(stored: StoredCard, status: str, now: datetime) -> dict[str, Any]:
    """A PaymentTokenizationResponse (``SUCCESS`` or ``DELETED``)."""
    card: dict[str, Any] = {"bin": stored.bin, "last4": stored.last4, "brand": stored.brand}
    if stored.expiry_month and stored.expiry_year:
        card = {
            "expiryDate": {"month": f"{stored.expiry_month:02d}", "year": str(stored.expiry_year)},
            **card,
        }
    return {
        **envelope.head(),
        "requestStatus": status,
        "requestTime": int(now.timestamp() * 1000),
        "brand": stored.brand,
        "country": issuer_of(stored.bin, stored.brand).country.name,
        "paymentToken": token_details(stored),
        "paymentCard": card,
    }


def token_details(stored: StoredCard) -> dict[str, Any]:
    return {
        "value": stored.token,
        "reusable": bool(stored.extra.get("reusable", True)),
        "declineDuplicates": bool(stored.extra.get("decline_duplicates", False)),
        "last4": stored.last4,
        "brand": stored.brand,
        "type": "PAYMENT_CARD",
    }


# --- parts ------------------------------------------------------------------------------------


def _approval_code(op: Operation, result: str) -> str:
    if result == "APPROVED":
        auth_code, rrn = op.details.get("auth_code", "000000"), op.details.get("rrn", "")
        return f"Y:{auth_code}:{op.id[-10:]}:PPXX:{rrn}"
    if result == "WAITING":
        phase = threeds.phase_of(op)
        if phase == threeds.METHOD:
            return "?:waiting 3dsecureMethod"
        return "?:waiting 3dsecure" if phase else "?:waiting"
    decline = decline_of(op)
    assert decline is not None
    return decline.approval_code


def _authentication(payment: Payment, op: Operation) -> dict[str, Any]:
    if not op.kind.is_primary:
        return {}
    phase = threeds.phase_of(op)
    if phase is None:
        code = threeds.response_code(op)
        return {"secure3dResponse": {"responseCode3dSecure": code}} if code else {}
    version = threeds.version_of(op)
    auth: dict[str, Any] = {"type": "3D_SECURE", "version": version}
    origin = payment.details.get("origin", "")
    state = op.details.get("threeds") or {}
    if phase == threeds.METHOD:
        auth["secure3dMethod"] = {
            "methodForm": threeds.method_form(op, f"{origin}/fiserv/3ds-method"),
            "secure3dTransId": state.get("server_trans_id", op.id),
        }
    elif phase == threeds.CHALLENGED:
        params: dict[str, Any] = {"acsURL": acs_url(origin, payment.id, op.id)}
        if state.get("term_url"):
            params["termURL"] = state["term_url"]
        if version == "1.0":
            params["payerAuthenticationRequest"] = threeds.pareq(op)
            params["merchantData"] = threeds.merchant_data(op)
        else:
            params["cReq"] = threeds.creq(op)
        auth["params"] = params
    return {"authenticationResponse": auth}


def _processor(payment: Payment, op: Operation) -> dict[str, Any] | None:
    decline = decline_of(op)
    if op.status in (OS.PENDING, OS.ACTION_REQUIRED) or (decline and not decline.issuer):
        return None
    brand = (payment.details.get("card") or {}).get("brand", "")
    processor: dict[str, Any] = {"referenceNumber": op.details.get("rrn", "")}
    if decline is None:
        processor.update(
            authorizationCode=op.details.get("auth_code", ""),
            responseCode="00",
            network=_NETWORK.get(brand, "OTHER"),
            associationResponseCode="000",
            responseMessage="Function performed error-free",
        )
    else:
        processor.update(
            responseCode=decline.code,
            network=_NETWORK.get(brand, "OTHER"),
            associationResponseCode=decline.code,
            responseMessage=decline.message,
        )
    if op.kind.is_primary:
        address = payment.details.get("avs_address") or {}
        processor["avsResponse"] = {
            "streetMatch": "Y" if address.get("address1") else "NO_INPUT_DATA",
            "postalCodeMatch": "Y" if address.get("postalCode") else "NO_INPUT_DATA",
        }
        processor["securityCodeResponse"] = (
            "MATCHED" if payment.details.get("cvv_given") else "NOT_PRESENT"
        )
    return processor
