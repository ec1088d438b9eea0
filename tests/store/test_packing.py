"""The memory store's packed bodies: exact round trips, whatever the record's size or text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psp_sandbox.simulator.engine import Intent, Open, Payment, Policy, decide
from psp_sandbox.simulator.engine.payment import Operation, OperationKind, OperationStatus
from psp_sandbox.simulator.store import MemoryStore
from psp_sandbox.simulator.store.codec import encode_payment
from psp_sandbox.simulator.store.packing import DELIVERIES, EXCHANGES, PAYMENTS, Packer

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


def test_a_dictionary_larger_than_the_window_is_refused() -> None:
    with pytest.raises(ValueError, match="4 KB"):
        Packer(b"x" * 5000)


async def test_the_memory_store_returns_a_payment_larger_than_the_window_exactly() -> None:
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
