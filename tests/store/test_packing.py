"""The memory store's packed bodies: exact round trips, whatever the record's size or text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from psp_sandbox.simulator.engine import Intent, Open, Payment, Policy, decide
from psp_sandbox.simulator.engine.payment import Operation, OperationKind, OperationStatus
from psp_sandbox.simulator.store import MemoryStore
from psp_sandbox.simulator.store.codec import encode_payment
from psp_sandbox.simulator.store.packing import DELIVERIES, EXCHANGES, PAYMENTS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def opened(reference: str = "o-1") -> Payment:
    return decide(
        None, Open("pay-1", "t1", "tranzzo", reference, "EUR", 1000, Intent.SALE), Policy(), NOW
    ).payment


@given(st.binary(max_size=10_000))
def test_any_bytes_unpack_to_exactly_what_was_packed(data: bytes) -> None:
    for packer in (PAYMENTS, DELIVERIES, EXCHANGES):
        assert packer.unpack(packer.pack(data)) == data


def test_a_payment_is_kept_in_under_half_its_json() -> None:
    encoded = encode_payment(opened())
    assert len(PAYMENTS.pack(encoded)) < len(encoded) / 2


def test_threads_packing_at_once_each_get_their_own_bytes_back() -> None:
    """In-process sandboxes may run in several threads; a packer serves them all at once."""
    records = [
        encode_payment(replace(opened(f"order-{i}"), amount=1000 + i)) * 20 for i in range(8)
    ]

    def round_trips(record: bytes) -> bool:
        return all(PAYMENTS.unpack(PAYMENTS.pack(record)) == record for _ in range(300))

    with ThreadPoolExecutor(len(records)) as pool:
        assert all(pool.map(round_trips, records))


async def test_the_memory_store_returns_a_payment_larger_than_its_dictionary_exactly() -> None:
    payment = opened()
    operations = tuple(
        Operation(
            f"op-{i}", OperationKind.REFUND, 1, OperationStatus.SUCCEEDED, "approved",
            NOW + timedelta(seconds=i), NOW, details={"note": f"Ærø №{i} " * 5},
        )
        for i in range(60)
    )  # fmt: skip
    big = replace(payment, operations=operations)
    assert len(encode_payment(big)) > 4096
    store = MemoryStore()
    async with store.begin() as uow:
        uow.save_payment(big)
        await uow.commit()
    async with store.begin() as uow:
        assert await uow.get_payment("pay-1") == big
