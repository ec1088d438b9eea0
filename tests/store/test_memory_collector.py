"""The memory store's records cost the garbage collector nothing: once the collector has seen
them, however many payments, exchanges and webhook deliveries are stored, none of them is an
object it tracks (and walks in every collection of its generation) — so stored state does not
lengthen its pauses."""

from __future__ import annotations

import asyncio
import gc

from psp_sandbox.simulator.store import DeliveryFilter, DeliveryState, Exchange, MemoryStore

from .test_store_conformance import NOW, delivery, payment

STORED = 2_000


async def _fill(store: MemoryStore, first: int, count: int) -> None:
    async with store.begin() as uow:
        for n in range(first, first + count):
            uow.save_payment(payment(f"o-{n}", pid=f"pay-{n}"), aliases=[f"token-{n}"])
            uow.save_exchange(
                Exchange("t1", f"pay-{n}", NOW, "POST", "/", 200, 1, "api", '{"a": 1}', "{}")
            )
            uow.save_delivery(delivery(f"d-{n}", payment_id=f"pay-{n}"))
            uow.save_delivery(delivery(f"d-{n}-done", state=DeliveryState.DELIVERED))
        await uow.commit()
    async with store.begin() as uow:  # a second request on each: a second exchange, a new version
        for n in range(first, first + count):
            stored = await uow.get_payment(f"pay-{n}")
            assert stored is not None
            uow.save_payment(stored)
            uow.save_exchange(
                Exchange("t1", f"pay-{n}", NOW, "GET", "/", 200, 1, "api", "", '{"b": 2}')
            )
        await uow.commit()


def _tracked_after(store: MemoryStore, first: int, count: int) -> int:
    asyncio.run(_fill(store, first, count))
    gc.collect()
    gc.collect()  # a tuple holding a tuple is let go once the inner one has been
    return len(gc.get_objects())


def test_stored_payments_and_exchanges_are_not_tracked_by_the_collector() -> None:
    store = MemoryStore()
    asyncio.run(store.open())
    _tracked_after(store, 0, 10)  # the tenant's indexes, caches, the codec's first use
    before = _tracked_after(store, 10, 10)
    after = _tracked_after(store, 20, STORED)

    # Each record the collector kept tracking would add STORED or more (eight a payment before);
    # the slack is for whatever else this test process does meanwhile.
    assert after - before < STORED // 2, f"{after - before} more tracked objects"
    # All stored indeed, and read back as they were saved.
    assert len(asyncio.run(store.list_exchanges(f"pay-{STORED}"))) == 2
    pending = asyncio.run(
        store.list_deliveries(DeliveryFilter(state=DeliveryState.PENDING, limit=STORED * 2))
    )
    assert len(pending) == STORED + 20
    assert {
        d.state for d in asyncio.run(store.list_deliveries(DeliveryFilter(limit=STORED * 3)))
    } == {
        DeliveryState.PENDING,
        DeliveryState.DELIVERED,
    }
    changes = asyncio.run(store.changes(0, limit=100_000))
    assert {change.id for change in changes} >= {f"pay-{n}" for n in range(STORED)}
