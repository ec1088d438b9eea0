"""The operation objects Tranzzo answers with (and sends in webhooks), built from a payment."""

from __future__ import annotations

from typing import Any

from ...engine import Operation, OperationStatus, Payment
from ...ui.links import acs_url, checkout_url
from .mapping import INIT, METHOD, STATUS, amount, status_code, timestamp

amount_of = amount

_CUSTOMER = (
    "customer_id",
    "customer_ip",
    "customer_fname",
    "customer_lname",
    "customer_email",
    "customer_phone",
    "customer_country",
)


def operation(payment: Payment, op: Operation | None) -> dict[str, Any]:
    """Any operation of the order, in the shape Tranzzo uses for its kind."""
    if op is None or op.kind.is_primary:
        return primary(payment, op)
    return secondary(payment, op)


def order_operations(payment: Payment) -> list[dict[str, Any]]:
    """GET /pos/{pos}/orders/{order}: every operation of the order, oldest first."""
    if not payment.operations:
        return [listed(payment, None)]
    return [listed(payment, op) for op in payment.operations if op.kind in METHOD]


def listed(payment: Payment, op: Operation | None) -> dict[str, Any]:
    """An operation as the order-information calls show it: its own shape, with every field
    the SDKs read — a primary also carries ``operation_id``, ``comment`` and ``fee`` (null), and
    ``processing_time`` is the operation's last change even while it is pending."""
    body = operation(payment, op)
    if op is None or op.kind.is_primary:
        body = {
            "operation_id": op.id if op else None,
            **body,
            "processing_time": timestamp(op.updated_at if op else payment.created_at),
            "comment": None,
            "fee": None,
        }
    return body


def method_of(payment: Payment, op: Operation) -> str:
    """The Tranzzo method of an operation (a primary's is the one the order was made with)."""
    return str(payment.details["method"]) if op.kind.is_primary else METHOD[op.kind]


def primary(payment: Payment, op: Operation | None) -> dict[str, Any]:
    """A purchase/auth/credit; ``op`` None means a hosted order nobody has paid yet (init)."""
    d = payment.details
    origin = d["origin"]
    if op is None:
        status, code = "init", INIT
    else:
        status, code = STATUS[op.status], status_code(op, d["method"])
    challenged = op is not None and op.status is OperationStatus.ACTION_REQUIRED
    succeeded = status == "success"
    card = op.details if op is not None else {}
    body: dict[str, Any] = {
        "payment_id": payment.id,
        "order_id": payment.reference,
        "gateway_order_id": d.get("gateway_order_id"),
        "billing_order_id": d.get("billing_order_id"),
        "transaction_id": op.id if op else None,
        "pos_id": d["pos_id"],
        "mode": d["mode"],
        "method": d["method"],
        "amount": amount(payment.amount, payment.currency),
        "currency": payment.currency,
        "description": d.get("description"),
        "status": status,
        "status_code": code.code,
        "status_description": code.description,
        "user_action_required": challenged,
        "user_action_url": acs_url(origin, payment.id, op.id) if challenged and op else None,
        "eci": (op.details.get("eci") if op else None),
        "mcc": d.get("mcc"),
        "options_3ds": d.get("order_3ds_bypass"),
        "cc_mask": card.get("cc_mask"),
        "cc_token": card.get("cc_token") if succeeded else None,
        "cc_token_expiration": card.get("cc_token_expiration") if succeeded else None,
        **{key: d.get(key) for key in _CUSTOMER},
        "result_url": d.get("result_url"),
        "created_at": timestamp(op.created_at if op else payment.created_at),
        "processing_time": timestamp(op.updated_at) if op and op.status.is_final else None,
        "payload": d.get("payload"),
        "bank_short_name": d.get("bank_short_name"),
    }
    if d["mode"] == "hosted":
        body["redirect_url"] = checkout_url(origin, payment.id)
    return body


def secondary(payment: Payment, op: Operation) -> dict[str, Any]:
    """A capture, void or refund. The docs name the finish time both ``processed_at`` (refund
    page) and ``processing_time`` (capture page, SDKs): both are sent."""
    d = payment.details
    finished = timestamp(op.updated_at) if op.status.is_final else None
    code = status_code(op)
    body: dict[str, Any] = {
        "operation_id": op.id,
        "payment_id": payment.id,
        "order_id": payment.reference,
        "transaction_id": op.details.get("transaction_id", op.id),
        "pos_id": d["pos_id"],
        "mode": "direct",
        "method": METHOD[op.kind],
        "amount": amount(abs(op.amount), payment.currency),
        "currency": payment.currency,
        "status": STATUS[op.status],
        "status_code": code.code,
        "status_description": code.description,
        "created_at": timestamp(op.created_at),
        "processed_at": finished,
        "processing_time": finished,
        "fee": None,
        "comment": op.details.get("comment"),
        "receipt_url": f"{d['origin']}/tranzzo/public/receipt/{payment.id}.{op.id}",
    }
    if op.details.get("split"):
        body["split"] = list(op.details["split"])
    return body
