"""JSON encoding of stored records (payments, deliveries, exchanges, documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import TypeAdapter

from ..engine import Payment
from .records import Delivery, Exchange

_payment = TypeAdapter(Payment)
_delivery = TypeAdapter(Delivery)
_exchange = TypeAdapter(Exchange)


def encode_payment(payment: Payment) -> bytes:
    # orjson writes dataclasses, datetimes and enums natively (faster than pydantic here);
    # pydantic reads them back into the engine's types.
    return orjson.dumps(payment)


def decode_payment(data: bytes | str) -> Payment:
    return _payment.validate_json(data)


def encode_delivery(delivery: Delivery) -> bytes:
    return orjson.dumps(delivery)


def decode_delivery(data: bytes | str) -> Delivery:
    return _delivery.validate_json(data)


def encode_exchange(exchange: Exchange) -> bytes:
    return orjson.dumps(exchange)


def decode_exchange(data: bytes | str) -> Exchange:
    return _exchange.validate_json(data)


def encode_document(value: Any) -> bytes:
    return orjson.dumps(value)


def decode_document(data: bytes | str) -> Any:
    return orjson.loads(data)


def millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
