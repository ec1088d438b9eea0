"""How the admin API shows payments and webhook deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..engine import Payment
from ..store import Delivery, Exchange


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def payment_view(
    p: Payment,
    deliveries: list[Delivery] | None = None,
    exchanges: list[Exchange] | None = None,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": p.id,
        "tenant": p.tenant,
        "provider": p.provider,
        "reference": p.reference,
        "currency": p.currency,
        "amount": p.amount,
        "intent": p.intent.value,
        "status": p.status.value,
        "authorized": p.authorized,
        "captured": p.captured,
        "refunded": p.refunded,
        "capture_open": p.capture_open,
        "disputed": p.disputed,
        "created_at": iso(p.created_at),
        "updated_at": iso(p.updated_at),
        "expires_at": iso(p.expires_at),
        "due_at": iso(p.due_at),
        "operations": [
            {
                "id": op.id,
                "kind": op.kind.value,
                "amount": op.amount,
                "status": op.status.value,
                "reason": op.reason,
                "created_at": iso(op.created_at),
                "updated_at": iso(op.updated_at),
                "target_id": op.target_id,
                "due_at": iso(op.due_at),
                "details": dict(op.details),
            }
            for op in p.operations
        ],
        "history": [
            {
                "at": iso(change.at),
                "old": change.old.value if change.old else None,
                "new": change.new.value,
                "operation_id": change.operation_id,
            }
            for change in p.history
        ],
        "disputes": [
            {
                "id": d.id,
                "stage": d.stage.value,
                "amount": d.amount,
                "reason": d.reason,
                "category": d.details.get("category"),
                "description": d.details.get("description"),
                "opened_at": iso(d.opened_at),
                "updated_at": iso(d.updated_at),
                "history": [
                    {
                        "at": iso(c.at),
                        "old": c.old.value if c.old else None,
                        "new": c.new.value,
                        "amount": c.amount,
                    }
                    for c in d.history
                ],
            }
            for d in p.disputes
        ],
        "details": dict(p.details),
    }
    if deliveries is not None:
        view["webhooks"] = [delivery_view(d) for d in deliveries]
    if exchanges is not None:
        view["requests"] = [exchange_view(e) for e in exchanges]
    return view


def exchange_view(e: Exchange) -> dict[str, Any]:
    return {
        "at": iso(e.at),
        "method": e.method,
        "path": e.path,
        "status": e.status,
        "latency_ms": e.latency_ms,
        "source": e.source,
        "request": e.request,
        "response": e.response,
    }


def delivery_view(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "tenant": d.tenant,
        "provider": d.provider,
        "payment_id": d.payment_id,
        "operation_id": d.operation_id,
        "event": d.event,
        "url": d.url,
        "state": d.state.value,
        "due_at": iso(d.due_at),
        "created_at": iso(d.created_at),
        "copy_of": d.copy_of,
        "faults": [dict(f) for f in d.faults],
        "payload": dict(d.payload),
        "attempts": [
            {
                "at": iso(a.at),
                "status": a.status,
                "latency_ms": a.latency_ms,
                "error": a.error,
                "response": a.response,
                "request": a.request,
                "signature": a.signature,
                "timed_out": a.timed_out,
            }
            for a in d.attempts
        ],
        "timeouts": sum(1 for a in d.attempts if a.timed_out),
    }


def payment_summary(p: Payment) -> dict[str, Any]:
    """A payment in one line: what the live feed sends."""
    return {
        "id": p.id,
        "tenant": p.tenant,
        "provider": p.provider,
        "reference": p.reference,
        "status": p.status.value,
        "currency": p.currency,
        "amount": p.amount,
        "authorized": p.authorized,
        "captured": p.captured,
        "refunded": p.refunded,
        "created_at": iso(p.created_at),
        "updated_at": iso(p.updated_at),
    }


def delivery_summary(d: Delivery) -> dict[str, Any]:
    """A webhook delivery in one line: what the live feed sends."""
    last = d.attempts[-1] if d.attempts else None
    return {
        "id": d.id,
        "tenant": d.tenant,
        "provider": d.provider,
        "payment_id": d.payment_id,
        "event": d.event,
        "url": d.url,
        "state": d.state.value,
        "due_at": iso(d.due_at),
        "attempts": len(d.attempts),
        "last_status": last.status if last else None,
        "last_error": last.error if last else None,
        "timeouts": sum(1 for a in d.attempts if a.timed_out),
        "copy_of": d.copy_of,
        "faults": [f["kind"] for f in d.faults],
    }
