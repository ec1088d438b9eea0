"""Paymentz answer bodies, built from a payment and the operation a request acted on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...engine import Intent, Operation, OperationKind, Payment, PaymentStatus, Reason
from ...services.credentials import Credential
from . import cards, mapping
from .auth import Token, login_of

K = OperationKind

_NOT_AUTHENTICATED = frozenset({Reason.AUTHENTICATION_FAILED, Reason.AUTHENTICATION_ABANDONED})

#: Where the status of a payment is read after a redirect (its ``resourcePath``).
RESOURCE_PATH = "/transactionServices/REST/v1/payments/{payment_id}"


def payment_id(p: Payment) -> str:
    return str(p.details["paymentId"])


def amount_of(p: Payment, minor: int | None = None) -> str:
    return mapping.amount(p.amount if minor is None else minor, p.currency)


def descriptor(p: Payment) -> str:
    """The acquirer's descriptor, as the documented answer shows one."""
    return f"PSP Sandbox {p.currency} Test"


def _card(p: Payment) -> dict[str, str] | None:
    card = cards.of_payment(p)
    return cards.shown(card) if card else None


def _payment_type(p: Payment) -> str:
    return mapping.TYPE_OF_INTENT[p.intent]


def _common(p: Payment) -> dict[str, Any]:
    d = p.details
    return {
        "paymentId": payment_id(p),
        "paymentType": _payment_type(p),
        "paymentBrand": d.get("paymentBrand"),
        "paymentMode": d.get("paymentMode"),
        "amount": amount_of(p),
        "currency": p.currency,
        "descriptor": descriptor(p),
    }


def _templates(p: Payment) -> dict[str, Any]:
    d = p.details
    return {"tmpl_amount": d.get("tmpl_amount"), "tmpl_currency": d.get("tmpl_currency")}


def without_nulls(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def payment_answer(
    p: Payment, op: Operation, now: datetime, redirect: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The answer to a debit, preauthorization, repeated charge or payout."""
    return without_nulls(
        {
            **_common(p),
            "result": mapping.result_of(p, op).body(),
            "card": _card(p),
            "timestamp": mapping.timestamp(now),
            "merchantTransactionId": p.reference,
            "transactionStatus": mapping.operation_status(p, op),
            "remark": mapping.remark(op),
            **_templates(p),
            "registrationId": p.details.get("registrationId"),
            "redirect": redirect,
        }
    )


def operation_answer(p: Payment, op: Operation, now: datetime) -> dict[str, Any]:
    """The answer to a capture, refund or reversal."""
    return {
        "paymentId": payment_id(p),
        "paymentType": mapping.TYPE_OF_KIND[op.kind],
        "amount": amount_of(p, op.amount),
        "currency": p.currency,
        "merchantTransactionId": p.reference,
        "result": mapping.result_of(p, op).body(),
        "timestamp": mapping.timestamp(now),
        "transactionStatus": mapping.operation_status(p, op),
    }


def inquiry(p: Payment, now: datetime) -> dict[str, Any]:
    """A transaction as it is now: the answer of IN, the status GET and /inquiry."""
    d = p.details
    customer = d.get("customer") or {}
    primary = p.primary
    return without_nulls(
        {
            **_common(p),
            "merchantTransactionId": p.reference,
            "status": mapping.long_status(p),
            "transactionStatus": mapping.short_status(p),
            "result": mapping.FOUND.body(),
            "remark": mapping.remark(primary) if primary else "Transaction in progress",
            "eci": eci(p),
            "firstName": customer.get("givenName"),
            "lastName": customer.get("surname"),
            "customer": without_nulls(
                {"email": customer.get("email"), "id": customer.get("customerId")}
            )
            or None,
            "card": _card(p),
            "capturedAmount": amount_of(p, p.captured),
            "refundedAmount": amount_of(p, p.refunded),
            "bankReferenceId": d.get("bankReferenceId"),
            "registrationId": d.get("registrationId"),
            **_templates(p),
            "timestamp": mapping.timestamp(now),
        }
    )


def summary(p: Payment) -> dict[str, Any]:
    """One line of getTransactionList."""
    return {
        "paymentId": payment_id(p),
        "merchantTransactionId": p.reference,
        "paymentType": _payment_type(p),
        "amount": amount_of(p),
        "currency": p.currency,
        "status": mapping.long_status(p),
        "transactionStatus": mapping.short_status(p),
        "timestamp": mapping.timestamp(p.created_at),
    }


def token_answer(credential: Credential, token: Token) -> dict[str, Any]:
    """The documented authToken answer."""
    return without_nulls(
        {
            "partnerId": credential.extra.get("partnerId"),
            "memberId": credential.key,
            "result": mapping.TOKEN_GENERATED.body(),
            "timestamp": mapping.timestamp(token.grant.issued_at),
            "LoginName": login_of(credential),
            "AuthToken": token.value,
        }
    )


def eci(p: Payment) -> str | None:
    """The e-commerce indicator of a card payment: authenticated or not, by scheme."""
    card = cards.of_payment(p)
    if not card or p.intent is Intent.CREDIT:
        return None
    challenged = any(change.new is PaymentStatus.ACTION_REQUIRED for change in p.history)
    primary = p.primary
    failed = primary is not None and primary.reason in _NOT_AUTHENTICATED
    return mapping.eci(card["brand"], challenged and not failed)


def chargeback_callback(p: Payment, op: Operation, now: datetime) -> dict[str, Any]:
    """The callback of a payment whose chargeback took its money back (long status
    ``chargeback``) or gave it back: the payment's own callback, as it stands now."""
    body = callback(p, op, now)
    dispute = p.disputes[-1]
    reversed_ = not mapping.charged_back(p)
    remark = "Chargeback reversed" if reversed_ else f"Chargeback {dispute.reason}".strip()
    return {**body, "transactionStatus": mapping.short_status(p), "remark": remark}


def callback(p: Payment, op: Operation | None, now: datetime) -> dict[str, Any]:
    """The callback body (its checksum is added when it is sent, with the member's key)."""
    d = p.details
    customer = d.get("customer") or {}
    card = cards.of_payment(p) or {}
    if op is None:
        status, result, amount, kind, remark = (
            mapping.short_status(p),
            mapping.FAILED.body(),
            amount_of(p),
            _payment_type(p),
            "Transaction expired",
        )
    else:
        status = mapping.operation_status(p, op)
        result = mapping.result_of(p, op).body()
        amount = amount_of(p, op.amount)
        kind = mapping.TYPE_OF_KIND[op.kind]
        remark = mapping.remark(op)
    return {
        "paymentId": payment_id(p),
        "paymentType": kind,
        "status": mapping.long_status(p),
        "transactionStatus": status,
        "paymentBrand": d.get("paymentBrand") or "",
        "paymentMode": d.get("paymentMode") or "",
        "firstName": customer.get("givenName") or "",
        "lastName": customer.get("surname") or "",
        "amount": amount,
        "currency": p.currency,
        "descriptor": descriptor(p),
        "merchantTransactionId": p.reference,
        "remark": remark,
        "tmpl_amount": d.get("tmpl_amount") or "",
        "tmpl_currency": d.get("tmpl_currency") or "",
        "result": result,
        "customer": {"email": customer.get("email") or "", "id": customer.get("customerId") or ""},
        "card": {
            "bin": card.get("bin", ""),
            "lastFourDigits": card.get("last4Digits", ""),
            "last4Digits": card.get("last4Digits", ""),
            "expiryMonth": card.get("expiryMonth", ""),
            "expiryYear": card.get("expiryYear", ""),
        },
        "timestamp": mapping.timestamp(now),
        "eci": eci(p) or "",
        "bankReferenceId": d.get("bankReferenceId") or "",
        "terminalId": d.get("terminalId") or "",
    }
