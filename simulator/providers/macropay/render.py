"""What Macropay answers and sends, built from a payment: pay and refund answers, transactions,
notification bodies and callback elements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...engine import (
    Dispute,
    DisputeStage,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentStatus,
)
from ...ui.links import acs_url
from . import mapping
from .mapping import STATUS, THREE_DS_VERSION, money, timestamp

OS = OperationStatus


def order(payment: Payment) -> dict[str, Any]:
    """The created order: its id, the fields it was created with, and its lifetime."""
    d = payment.details
    assert payment.expires_at is not None
    return {
        "orderId": payment.reference,
        **d["order"],
        "createdAt": timestamp(payment.created_at),
        "expiresAt": timestamp(payment.expires_at),
    }


def pay_answer(payment: Payment, op: Operation) -> dict[str, Any]:
    status = STATUS[op.status]
    body: dict[str, Any] = {
        "transactionStatus": status,
        "message": mapping.PAY_MESSAGE[status],
        "transactionId": op.id,
    }
    if op.status is OS.ACTION_REQUIRED:
        body["action"] = action(payment, op)
        body["version"] = THREE_DS_VERSION
    return body


def action(payment: Payment, op: Operation) -> dict[str, Any]:
    """Where the cardholder goes for 3-D Secure: the sandbox's hosted ACS page, by form POST."""
    return {
        "url": acs_url(payment.details["origin"], payment.id, op.id),
        "method": "POST",
        "headers": [],
        "parameters": [
            {"key": "connector", "value": "THREEDSECURE"},
            {"key": "PaReq", "value": str(op.details.get("pareq", ""))},
        ],
    }


def refund_answer(payment: Payment, op: Operation) -> dict[str, Any]:
    body: dict[str, Any] = {
        "transactionId": op.id,
        "transactionStatus": STATUS[op.status],
        "money": money(op.amount, payment.currency),
    }
    if op.details.get("reason") is not None:
        body["reason"] = op.details["reason"]
    if op.status is OS.SUCCEEDED:
        body["operationResult"] = {"chargedAmount": money(op.amount, payment.currency)}
    if op.status in (OS.DECLINED, OS.FAILED):
        body["error"] = error(op)
    return body


def error(op: Operation) -> dict[str, str]:
    found = mapping.decline_error(op.reason)
    return {"code": found.code, "message": found.message}


def token_of(op: Operation) -> str | None:
    """The token an operation generated, once it may be shown (the payment succeeded)."""
    return op.details.get("token_id") if op.status is OS.SUCCEEDED else None


def transaction(payment: Payment, op: Operation) -> dict[str, Any]:
    """One payment or refund transaction, as the (sandbox-defined) inquiry answers it."""
    d = payment.details
    body: dict[str, Any] = {
        "transactionId": op.id,
        "orderId": payment.reference,
        "transactionType": mapping.TRANSACTION_TYPE[op.kind],
        "transactionStatus": STATUS[op.status],
        "createdAt": timestamp(op.created_at),
        "updatedAt": timestamp(op.updated_at),
        "money": money(op.amount, payment.currency),
    }
    if op.kind is OperationKind.REFUND:
        body["parentTransactionId"] = op.target_id
    else:
        body["parentTransactionId"] = d.get("parentTransactionId")
        body["sequence"] = d.get("sequence")
        body["tokenId"] = token_of(op)
        body["refundedMoney"] = money(payment.refunded, payment.currency)
    if op.status is OS.ACTION_REQUIRED:
        body["action"] = action(payment, op)
        body["version"] = THREE_DS_VERSION
    if op.status in (OS.DECLINED, OS.FAILED):
        body["error"] = error(op)
    return {k: v for k, v in body.items() if v is not None}


def fallback_transaction(payment: Payment, op: Operation) -> dict[str, Any]:
    """The failed first attempt of a payment that a fallback MID completed."""
    attempt = op.details["fallback"]
    return {
        "transactionId": attempt["transactionId"],
        "orderId": payment.reference,
        "transactionType": "payment",
        "transactionStatus": mapping.FAILED,
        "createdAt": attempt["createdAt"],
        "updatedAt": attempt["createdAt"],
        "money": money(op.amount, payment.currency),
        "error": _authorization_failed(),
    }


def notification(
    payment: Payment, op: Operation, status: OperationStatus, at: datetime
) -> dict[str, Any]:
    """A notification body (documented fields only), for ``op`` as it reached ``status``."""
    body: dict[str, Any] = {
        "orderId": payment.reference,
        "transactionId": op.id,
        "transactionType": mapping.TRANSACTION_TYPE[op.kind],
        "transactionStatus": STATUS[status],
        "notificationDate": timestamp(at),
        "money": money(op.amount, payment.currency),
    }
    if status is OS.ACTION_REQUIRED:
        body["action"] = action(payment, op)
    if status in (OS.DECLINED, OS.FAILED):
        body["error"] = error(op)
    return body


def dispute_notification(
    payment: Payment, op: Operation, dispute: Dispute, old: DisputeStage | None
) -> dict[str, Any]:
    """A ``chargeback`` or ``rdr`` notification for a dispute that opened or moved."""
    kind, status = mapping.dispute_report(old, dispute.stage)
    return {
        "orderId": payment.reference,
        "transactionId": op.id,
        "transactionType": kind,
        "transactionStatus": status,
        "notificationDate": timestamp(dispute.updated_at),
        "money": money(dispute.amount, payment.currency),
        "chargebackInfo": {
            "reasonCode": dispute.reason[:20],
            "category": str(dispute.details.get("category") or "")[:100],
            "description": str(dispute.details.get("description") or "")[:400],
        },
    }


def fallback_notification(payment: Payment, op: Operation, at: datetime) -> dict[str, Any]:
    return {
        "orderId": payment.reference,
        "transactionId": op.details["fallback"]["transactionId"],
        "transactionType": "payment",
        "transactionStatus": mapping.FAILED,
        "notificationDate": timestamp(at),
        "money": money(op.amount, payment.currency),
        "error": _authorization_failed(),
    }


def callback(payment: Payment, op: Operation) -> list[dict[str, Any]]:
    """The JSON array sent to ``redirectUrl``: the payment's attempts, oldest first."""
    elements = []
    attempt = op.details.get("fallback")
    if attempt:
        elements.append(
            {
                **_element(payment, op, attempt["mid"]),
                "transactionId": attempt["transactionId"],
                "transactionStatus": mapping.FAILED,
                "createdAt": attempt["createdAt"],
                "liabilityShift": False,
                "error": _authorization_failed(),
            }
        )
        elements[0].pop("tokenId", None)
    elements.append(_element(payment, op, op.details["mid"]))
    return elements


def _element(payment: Payment, op: Operation, mid: Mapping[str, Any]) -> dict[str, Any]:
    d = payment.details
    card = op.details.get("card", {})
    element: dict[str, Any] = {
        "orderId": payment.reference,
        "transactionId": op.id,
        "transactionStatus": STATUS[op.status],
        "createdAt": timestamp(op.created_at),
        "tokenId": token_of(op),
        "mid": dict(mid),
        "liabilityShift": op.status is OS.SUCCEEDED and _authenticated(payment, op),
        "cardInfo": {
            "cardHolder": card.get("holder"),
            "cardNumber": card.get("mask"),
            "expireDate": {"year": card.get("expiry_year"), "month": card.get("expiry_month")},
            "binInfo": card.get("bin_info"),
        },
        "orderInfo": {
            key: value
            for key, value in d["order"].items()
            if key in ("money", "description", "concept", "userInformation", "billingAddress")
        },
    }
    if op.status in (OS.DECLINED, OS.FAILED):
        element["error"] = error(op)
    if element["tokenId"] is None:
        del element["tokenId"]
    return element


def _authenticated(payment: Payment, op: Operation) -> bool:
    """Whether the cardholder passed a 3-D Secure challenge for ``op``."""
    return any(
        change.new is PaymentStatus.ACTION_REQUIRED and change.operation_id == op.id
        for change in payment.history
    )


def _authorization_failed() -> dict[str, str]:
    return {
        "code": mapping.AUTHORIZATION_FAILED.code,
        "message": mapping.AUTHORIZATION_FAILED.message,
    }
