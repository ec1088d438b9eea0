"""How the stores write things down: records (payments, deliveries, exchanges, documents)
as JSON, times as milliseconds, their own URLs without passwords."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import orjson
from pydantic import TypeAdapter

from ..engine import Payment
from .records import Delivery, DeliveryState, Exchange


class _Readers:
    """What reads each kind of record back, built on first use rather than at import: the
    three took about a tenth of ``serve``'s start-up. The warm-up builds them once the port
    is open (:func:`build_readers`), so that no first request pays for it either."""

    @cached_property
    def payment(self) -> TypeAdapter[Payment]:
        return TypeAdapter(Payment)

    @cached_property
    def delivery(self) -> TypeAdapter[Delivery]:
        return TypeAdapter(Delivery)

    @cached_property
    def exchange(self) -> TypeAdapter[Exchange]:
        return TypeAdapter(Exchange)


_readers = _Readers()


def build_readers() -> None:
    """Build what reads payments, deliveries and exchanges back, unless that is done."""
    for kind in ("payment", "delivery", "exchange"):
        getattr(_readers, kind)


def encode_payment(payment: Payment) -> bytes:
    # orjson writes dataclasses, datetimes and enums natively (faster than pydantic here);
    # pydantic reads them back into the engine's types.
    return orjson.dumps(payment)


def decode_payment(data: bytes | str) -> Payment:
    return _readers.payment.validate_json(data)


def encode_delivery(delivery: Delivery) -> bytes:
    return orjson.dumps(delivery)


def decode_delivery(data: bytes | str, state: str | None = None) -> Delivery:
    """A stored delivery; ``state`` (its column) wins over the body's: claims change only it."""
    delivery = _readers.delivery.validate_json(data)
    if state is None or state == delivery.state.value:
        return delivery
    return replace(delivery, state=DeliveryState(state))


def decode_claimed(data: bytes | str) -> Delivery:
    """A stored delivery as a claim takes it: in flight, whatever state its body was saved
    with. (Set in the parsed body before it is read into a Delivery: ``dataclasses.replace``
    afterwards cost as much again as reading it, on every claim.)"""
    fields = orjson.loads(data)
    fields["state"] = DeliveryState.IN_FLIGHT.value
    return _readers.delivery.validate_python(fields)


def encode_exchange(exchange: Exchange) -> bytes:
    return orjson.dumps(exchange)


def decode_exchange(data: bytes | str) -> Exchange:
    return _readers.exchange.validate_json(data)


def encode_document(value: Any) -> bytes:
    return orjson.dumps(value)


def decode_document(data: bytes | str) -> Any:
    return orjson.loads(data)


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def moment(ms: int) -> datetime:
    """The UTC time ``ms`` milliseconds after the epoch (``millis``' inverse)."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def delivery_row(delivery: Delivery) -> tuple[Any, ...]:
    """A delivery as the SQL stores' columns: id, tenant, provider, payment_id, state, due_ms,
    created_ms, body."""
    return (
        delivery.id,
        delivery.tenant,
        delivery.provider,
        delivery.payment_id,
        delivery.state.value,
        millis(delivery.due_at),
        millis(delivery.created_at),
        encode_delivery(delivery),
    )


def masked(url: str) -> str:
    """A store URL fit for logs and answers: its password replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"
