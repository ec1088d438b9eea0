"""One conformance suite, run against every store backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psp_sandbox.simulator.engine import Intent, Open, Payment, Policy, Start, decide, pending
from psp_sandbox.simulator.engine.outcome import APPROVED
from psp_sandbox.simulator.store import (
    Conflict,
    Delivery,
    DeliveryFilter,
    DeliveryState,
    MemoryStore,
    PaymentFilter,
    SqliteStore,
    Store,
    store_from_url,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/s.db"
    s = store_from_url(url)
    await s.open()
    yield s
    await s.close()


def payment(ref: str = "o-1", tenant: str = "t1", pid: str | None = None, **kw: object) -> Payment:
    opened = decide(
        None,
        Open(pid or f"pay-{tenant}-{ref}", tenant, "tranzzo", ref, "EUR", 1000, Intent.SALE),
        Policy(),
        NOW,
    )
    return replace(opened.payment, **kw)  # type: ignore[arg-type]


def delivery(did: str, tenant: str = "t1", due: datetime = NOW, **kw: object) -> Delivery:
    return Delivery(
        id=did,
        tenant=tenant,
        provider="tranzzo",
        url="http://127.0.0.1:1/hook",
        event="e",
        payload={"a": 1},
        due_at=due,
        created_at=NOW,
        **{"state": DeliveryState.PENDING, **kw},  # type: ignore[arg-type]
    )


async def test_a_committed_payment_is_found_by_id_reference_and_alias(store: Store) -> None:
    p = payment()
    async with store.begin() as uow:
        uow.save_payment(p, aliases=["op-1", "txn-9"])
        await uow.commit()
    async with store.begin() as uow:
        assert await uow.get_payment(p.id) == p
        assert await uow.find_payment("t1", "tranzzo", "o-1") == p
        assert await uow.resolve_alias("t1", "tranzzo", "txn-9") == p.id
        assert await uow.resolve_alias("t2", "tranzzo", "txn-9") is None


async def test_uncommitted_writes_are_invisible(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment())
        uow.put_document("kind", "t1", "k", {"v": 1})
    async with store.begin() as uow:
        assert await uow.find_payment("t1", "tranzzo", "o-1") is None
        assert await uow.get_document("kind", "t1", "k") is None


async def test_a_payment_update_replaces_the_stored_state(store: Store) -> None:
    p = payment()
    async with store.begin() as uow:
        uow.save_payment(p)
        await uow.commit()
    started = decide(p, Start("op-1", APPROVED), Policy(), NOW).payment
    async with store.begin() as uow:
        uow.save_payment(started)
        await uow.commit()
    async with store.begin() as uow:
        assert (await uow.get_payment(p.id)) == started


async def test_a_conflicting_unit_of_work_leaves_nothing_behind(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment(pid="first"))
        await uow.commit()
    async with store.begin() as uow:
        uow.put_document("kind", "t1", "side-effect", {"v": 1})
        uow.save_delivery(delivery("d-side"))
        uow.save_payment(payment(pid="second"))  # same reference, other id
        with pytest.raises(Conflict):
            await uow.commit()
    async with store.begin() as uow:
        assert (await uow.find_payment("t1", "tranzzo", "o-1")).id == "first"
        assert await uow.get_document("kind", "t1", "side-effect") is None
        assert await uow.get_delivery("d-side") is None


async def test_concurrent_units_commit_independently(store: Store) -> None:
    async def save(ref: str, pid: str) -> str:
        async with store.begin() as uow:
            uow.save_payment(payment(ref, pid=pid))
            try:
                await uow.commit()
            except Conflict:
                return "conflict"
            return "ok"

    results = await asyncio.gather(*(save(f"o-{i % 5}", f"p-{i}") for i in range(20)))
    assert results.count("ok") == 5
    assert results.count("conflict") == 15
    assert len(await store.list_payments(PaymentFilter(tenant="t1"))) == 5


async def test_due_payments_follow_each_tenants_clock(store: Store) -> None:
    soon = payment("a", "t1", due_at=NOW + timedelta(minutes=10))
    later = payment("b", "t2", due_at=NOW + timedelta(minutes=10))
    idle = payment("c", "t2")
    async with store.begin() as uow:
        for p in (soon, later, idle):
            uow.save_payment(p)
        uow.set_clock("t1", 11 * 60 * 1000)
        await uow.commit()
    assert await store.due_payments(NOW, 10) == [("t1", soon.id)]
    assert await store.clocks() == {"t1": 660_000}


async def test_due_deliveries_are_pending_ones_in_due_order(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_delivery(delivery("late", due=NOW - timedelta(seconds=1)))
        uow.save_delivery(delivery("early", due=NOW - timedelta(seconds=5)))
        uow.save_delivery(delivery("future", due=NOW + timedelta(seconds=5)))
        uow.save_delivery(
            delivery("done", due=NOW - timedelta(seconds=9), state=DeliveryState.DELIVERED)
        )
        await uow.commit()
    assert [d.id for d in await store.due_deliveries(NOW, 10)] == ["early", "late"]
    done = await store.list_deliveries(DeliveryFilter(state=DeliveryState.DELIVERED))
    assert [d.id for d in done] == ["done"]


async def test_documents_are_put_listed_and_deleted(store: Store) -> None:
    async with store.begin() as uow:
        uow.put_document("faults", "t1", "a", {"n": 1})
        uow.put_document("faults", "t2", "b", {"n": 2})
        uow.put_document("other", "t1", "c", {"n": 3})
        await uow.commit()
    assert await store.list_documents("faults") == [{"n": 1}, {"n": 2}]
    assert await store.list_documents("faults", "t2") == [{"n": 2}]
    async with store.begin() as uow:
        uow.delete_document("faults", "t1", "a")
        await uow.commit()
    assert await store.list_documents("faults") == [{"n": 2}]


async def test_reset_of_one_tenant_keeps_the_others(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment("a", "t1"), aliases=["x"])
        uow.save_payment(payment("a", "t2"), aliases=["x"])
        uow.save_delivery(delivery("d1", "t1"))
        uow.put_document("k", "t1", "a", 1)
        uow.set_clock("t1", 5)
        await uow.commit()
    await store.reset("t1")
    assert [p.tenant for p in await store.list_payments(PaymentFilter())] == ["t2"]
    assert await store.list_deliveries(DeliveryFilter()) == []
    assert await store.clocks() == {}
    async with store.begin() as uow:
        assert await uow.resolve_alias("t2", "tranzzo", "x") is not None
        assert await uow.resolve_alias("t1", "tranzzo", "x") is None
    await store.reset()
    assert await store.list_payments(PaymentFilter()) == []


async def test_payment_listing_filters_and_orders_newest_first(store: Store) -> None:
    async with store.begin() as uow:
        for i in range(3):
            p = payment(f"o-{i}")
            uow.save_payment(replace(p, created_at=NOW + timedelta(seconds=i)))
        await uow.commit()
    listed = await store.list_payments(PaymentFilter(tenant="t1", limit=2))
    assert [p.reference for p in listed] == ["o-2", "o-1"]
    assert [p.reference for p in await store.list_payments(PaymentFilter(reference="o-0"))] == [
        "o-0"
    ]


async def test_pending_resolution_survives_encoding(store: Store) -> None:
    p = payment()
    p = decide(p, Start("op-1", pending(APPROVED, 5)), Policy(), NOW).payment
    async with store.begin() as uow:
        uow.save_payment(p)
        await uow.commit()
    async with store.begin() as uow:
        assert (await uow.get_payment(p.id)).primary.resolution == APPROVED


async def test_sqlite_state_survives_reopening_the_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/durable.db"
    first = SqliteStore(url)
    await first.open()
    async with first.begin() as uow:
        uow.save_payment(payment())
        await uow.commit()
    await first.close()
    second = SqliteStore(url)
    await second.open()
    assert [p.reference for p in await second.list_payments(PaymentFilter())] == ["o-1"]
    await second.close()


async def test_sqlite_groups_concurrent_commits_into_one_transaction(tmp_path: Path) -> None:
    s = SqliteStore(f"sqlite:///{tmp_path}/g.db")
    await s.open()

    async def save(i: int) -> None:
        async with s.begin() as uow:
            uow.save_payment(payment(f"o-{i}"))
            await uow.commit()

    await asyncio.gather(*(save(i) for i in range(50)))
    assert s.stats["units"] == 50
    assert s.stats["transactions"] < 5
    await s.close()


def test_store_urls_choose_the_backend(tmp_path: Path) -> None:
    assert isinstance(store_from_url("memory://"), MemoryStore)
    assert isinstance(store_from_url(f"sqlite:///{tmp_path}/x.db"), SqliteStore)
    with pytest.raises(ValueError, match="unknown store URL"):
        store_from_url("postgres://nope")
