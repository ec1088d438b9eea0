"""The memory store's compact bodies: each encoded record compressed with Zstandard against a
preset dictionary of what records of its kind hold — a hand-built skeleton (field names,
status words, timestamp shapes) and a sample of every provider's real records (``samples/``,
written by ``tests/store/test_packing_samples.py``, which also fails once they are stale).

A Tranzzo purchase's 1.8 KB payment keeps about 0.2 KB this way, and its 1.7 KB request log
entry about 0.2 KB, where the skeleton alone left 0.7 KB of each: what a provider's records
repeat (its field names, its own status words, the shape of its answers) is in the dictionary,
and what is left is what differs from one payment to the next: ids, times, amounts. Packing
happens once per write (~5-10 µs), unpacking once per read (~5 µs). Packed bytes live only
inside one process (the memory store), so the dictionary may change between versions; durable
stores keep plain JSON.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import zstandard

from ..engine import (
    Intent,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentStatus,
)
from ..engine.payment import StatusChange
from .codec import encode_delivery, encode_exchange, encode_payment
from .records import Attempt, Delivery, DeliveryState, Exchange

#: The fastest level: records are small, and writes are on the request path.
_LEVEL = 1
#: Every provider's records, one per line, by kind (``payments.jsonl`` ...).
SAMPLES = Path(__file__).with_name("samples")


class Packer:
    """Packs and unpacks bodies against one dictionary (a sample record of the kind).

    Zstandard's (de)compressors must not be shared between threads, and in-process sandboxes
    may run in several: each thread gets its own pair, over the one precomputed dictionary.
    """

    def __init__(self, sample: bytes) -> None:
        self._dictionary = zstandard.ZstdCompressionDict(
            sample, dict_type=zstandard.DICT_TYPE_RAWCONTENT
        )
        self._dictionary.precompute_compress(level=_LEVEL)  # read once, not for every record
        self._local = threading.local()

    def pack(self, data: bytes) -> bytes:
        try:
            compressor = self._local.compressor
        except AttributeError:
            # Neither a checksum nor the dictionary's id: the bytes never leave this process.
            compressor = self._local.compressor = zstandard.ZstdCompressor(
                dict_data=self._dictionary, write_checksum=False, write_dict_id=False
            )
        # Copied to its own size: zstd allocates the worst case and shrinks it in place,
        # which leaves each stored record holding ~1 KB more memory than its bytes.
        return bytes(memoryview(compressor.compress(data)))

    def unpack(self, packed: bytes) -> bytes:
        try:
            decompressor = self._local.decompressor
        except AttributeError:
            decompressor = self._local.decompressor = zstandard.ZstdDecompressor(
                dict_data=self._dictionary
            )
        return bytes(decompressor.decompress(packed))


_AT = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
_ID = "00000000-0000-4000-8000-000000000000"


def _payment_sample() -> bytes:
    operation = Operation(
        _ID, OperationKind.SALE, 1000, OperationStatus.SUCCEEDED, "approved", _AT, _AT
    )
    moves = (
        StatusChange(_AT, None, PaymentStatus.CREATED),
        StatusChange(_AT, PaymentStatus.CREATED, PaymentStatus.CAPTURED, _ID),
    )
    payment = Payment(
        _ID, "", "", "", "EUR", 1000, Intent.SALE, PaymentStatus.CAPTURED, _AT, _AT,
        authorized=1000, captured=1000, operations=(operation,), history=moves,
    )  # fmt: skip
    return encode_payment(payment)


def _delivery_sample() -> bytes:
    attempt = Attempt(_AT, 200, 1, None, "OK", "", None)
    delivery = Delivery(
        _ID, "", "", "http://127.0.0.1/", "", {}, DeliveryState.DELIVERED, _AT, _AT,
        _ID, _ID, _ID, (attempt,),
    )  # fmt: skip
    return encode_delivery(delivery)


def _exchange_sample() -> bytes:
    exchange = Exchange("", _ID, _AT, "POST", "/", 200, 1, "", '{"', '{"')
    return encode_exchange(exchange)


def _samples(kind: str) -> bytes:
    """Every provider's sample records of a kind, one per line."""
    return (SAMPLES / f"{kind}.jsonl").read_bytes()


PAYMENTS = Packer(_payment_sample() + _samples("payments"))
DELIVERIES = Packer(_delivery_sample() + _samples("deliveries"))
EXCHANGES = Packer(_exchange_sample() + _samples("exchanges"))
