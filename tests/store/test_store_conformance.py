"""One conformance suite, run against every store backend."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psp_sandbox.simulator.engine import (
    Intent,
    Open,
    Payment,
    PaymentStatus,
    Policy,
    Start,
    decide,
    pending,
)
from psp_sandbox.simulator.engine.outcome import APPROVED
from psp_sandbox.simulator.store import (
    Claim,
    Conflict,
    Delivery,
    DeliveryFilter,
    DeliveryState,
    Exchange,
    MemoryStore,
    PaymentFilter,
    PostgresStore,
    SqliteStore,
    Store,
    store_from_url,
)
from psp_sandbox.simulator.store.codec import encode_payment, millis
from psp_sandbox.simulator.store.sql import payments_listing as listing_query

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    urls = {"memory": lambda: "memory://", "sqlite": lambda: f"sqlite:///{tmp_path}/s.db"}
    urls["postgresql"] = lambda: request.getfixturevalue("postgres_url")
    s = store_from_url(urls[request.param]())
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
        **{"state": DeliveryState.PENDING, "created_at": NOW, **kw},  # type: ignore[arg-type]
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


async def test_aliases_saved_at_once_each_name_the_payment_and_move_with_it(
    store: Store,
) -> None:
    """The SQL stores write a save's aliases in one statement: a repeated one, or one another
    payment held, is still simply this payment's."""
    first, second = payment("o-1", pid="a"), payment("o-2", pid="b")
    async with store.begin() as uow:
        uow.save_payment(first, aliases=["op-1", "card:1", "shared"])
        await uow.commit()
    async with store.begin() as uow:
        uow.save_payment(second, aliases=["op-2", "shared", "op-2", "card:2", "shared"])
        await uow.commit()
    async with store.begin() as uow:
        found = {a: await uow.resolve_alias("t1", "tranzzo", a) for a in
                 ("op-1", "card:1", "shared", "op-2", "card:2")}  # fmt: skip
    assert found == {"op-1": "a", "card:1": "a", "shared": "b", "op-2": "b", "card:2": "b"}
    assert await store.list_aliases("t1") == [
        ("tranzzo", alias, payment_id) for alias, payment_id in sorted(found.items())
    ]


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


async def test_the_next_delivery_due_is_the_earliest_pending_one_after_now_in_real_time(
    store: Store,
) -> None:
    assert await store.next_delivery_due(NOW) is None
    async with store.begin() as uow:
        uow.save_delivery(delivery("due", due=NOW - timedelta(seconds=1)))  # due already
        uow.save_delivery(delivery("t1-later", due=NOW + timedelta(seconds=40)))
        uow.save_delivery(delivery("t1-soon", due=NOW + timedelta(seconds=30)))
        uow.save_delivery(delivery("t2-soon", "t2", due=NOW + timedelta(seconds=50)))
        uow.save_delivery(
            delivery("t2-done", "t2", due=NOW + timedelta(seconds=5), state=DeliveryState.FAILED)
        )
        # t3's clock runs 25 s ahead: its delivery due at +45 s on that clock is due at +20 s.
        uow.save_delivery(delivery("t3-ahead", "t3", due=NOW + timedelta(seconds=45)))
        uow.set_clock("t3", 25_000)
        await uow.commit()
    assert await store.next_delivery_due(NOW) == NOW + timedelta(seconds=20)
    assert await store.next_delivery_due(NOW + timedelta(seconds=20)) == NOW + timedelta(seconds=30)
    claim = Claim(NOW + timedelta(seconds=35), "p1", 60_000, limit=10, per_tenant=10)
    assert {d.id for d in await store.claim_deliveries(claim)} == {"due", "t1-soon", "t3-ahead"}
    later = NOW + timedelta(seconds=35)
    assert await store.next_delivery_due(later) == NOW + timedelta(seconds=40)  # claimed: gone
    assert await store.next_delivery_due(NOW + timedelta(seconds=50)) is None


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
    assert isinstance(store_from_url("postgresql://u:p@127.0.0.1:5432/db"), PostgresStore)
    with pytest.raises(ValueError, match="unknown store URL"):
        store_from_url("mysql://nope")


# --- one truth between writers: versions, claims, clocks, locks ------------------------------


async def test_a_unit_that_read_a_payment_another_unit_changed_conflicts_and_writes_nothing(
    store: Store,
) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment())
        await uow.commit()
    slow, fast = store.begin(), store.begin()
    seen_slow = await slow.find_payment("t1", "tranzzo", "o-1")
    seen_fast = await fast.find_payment("t1", "tranzzo", "o-1")
    fast.save_payment(decide(seen_fast, Start("op-1", APPROVED), Policy(), NOW).payment)
    await fast.commit()
    slow.save_payment(decide(seen_slow, Start("op-2", APPROVED), Policy(), NOW).payment)
    slow.put_document("kind", "t1", "side-effect", {"v": 1})
    with pytest.raises(Conflict):
        await slow.commit()
    async with store.begin() as uow:
        assert [op.id for op in (await uow.get_payment(seen_slow.id)).operations] == ["op-1"]
        assert await uow.get_document("kind", "t1", "side-effect") is None


async def test_two_units_that_found_no_payment_cannot_both_create_it(store: Store) -> None:
    """A seeded sandbox names a new payment by its business key, so two processes opening the
    same order at once build the same id: the second must conflict (and, run again, find the
    first), not overwrite it."""
    slow, fast = store.begin(), store.begin()
    assert await slow.find_payment("t1", "tranzzo", "o-1") is None
    assert await fast.find_payment("t1", "tranzzo", "o-1") is None
    fast.save_payment(payment(amount=1000))
    await fast.commit()
    slow.save_payment(payment(amount=2000))
    slow.put_document("kind", "t1", "side-effect", {"v": 1})
    with pytest.raises(Conflict):
        await slow.commit()
    async with store.begin() as uow:
        kept = await uow.find_payment("t1", "tranzzo", "o-1")
        assert kept is not None and kept.amount == 1000
        assert await uow.get_document("kind", "t1", "side-effect") is None


async def test_a_unit_that_found_no_payment_may_save_it_twice(store: Store) -> None:
    async with store.begin() as uow:
        assert await uow.find_payment("t1", "tranzzo", "o-1") is None
        opened = payment()
        uow.save_payment(opened)
        uow.save_payment(decide(opened, Start("op-1", APPROVED), Policy(), NOW).payment)
        await uow.commit()
    async with store.begin() as uow:
        found = await uow.find_payment("t1", "tranzzo", "o-1")
        assert found is not None and [op.id for op in found.operations] == ["op-1"]


async def test_a_document_read_then_written_conflicts_with_a_write_in_between(
    store: Store,
) -> None:
    first, second = store.begin(), store.begin()
    assert await first.get_document("queue", "t1", "q") is None
    assert await second.get_document("queue", "t1", "q") is None
    first.put_document("queue", "t1", "q", [1])
    await first.commit()
    second.put_document("queue", "t1", "q", [2])  # it saw no document: it may only create one
    with pytest.raises(Conflict):
        await second.commit()
    third, fourth = store.begin(), store.begin()
    assert await third.get_document("queue", "t1", "q") == [1]
    assert await fourth.get_document("queue", "t1", "q") == [1]
    third.delete_document("queue", "t1", "q")
    await third.commit()
    fourth.put_document("queue", "t1", "q", [1, 1])
    with pytest.raises(Conflict):
        await fourth.commit()
    async with store.begin() as uow:
        assert await uow.get_document("queue", "t1", "q") is None
        uow.put_document("queue", "t1", "q", [3])  # unread: written blindly
        await uow.commit()
    assert await store.list_documents("queue") == [[3]]


async def test_concurrent_clock_advances_add_up_and_stop_at_the_bound(store: Store) -> None:
    offsets = await asyncio.gather(*(store.advance_clock("t1", 1000, 10**12) for _ in range(50)))
    assert sorted(o for o in offsets if o is not None) == list(range(1000, 50_001, 1000))
    assert await store.clock_offset("t1") == 50_000
    assert await store.advance_clock("t1", 10**12, 10**12) is None
    assert await store.advance_clock("t2", 10**13, 10**12) is None
    assert await store.clocks() == {"t1": 50_000}
    assert await store.clock_offset("t2") == 0


async def test_claims_never_hand_one_delivery_to_two_owners(store: Store) -> None:
    async with store.begin() as uow:
        for i in range(30):
            uow.save_delivery(delivery(f"d-{i:02}", due=NOW - timedelta(seconds=30 - i)))
        await uow.commit()

    def claim(owner: str) -> Claim:
        return Claim(NOW, owner, lease_ms=60_000, limit=7, per_tenant=100)

    batches = await asyncio.gather(*(store.claim_deliveries(claim(f"p{i}")) for i in range(6)))
    ids = [d.id for batch in batches for d in batch]
    assert sorted(ids) == [f"d-{i:02}" for i in range(30)]
    assert all(d.state is DeliveryState.IN_FLIGHT for batch in batches for d in batch)
    assert await store.claim_deliveries(claim("late")) == []
    listed = await store.list_deliveries(DeliveryFilter(state=DeliveryState.IN_FLIGHT, limit=50))
    assert len(listed) == 30


async def test_claims_are_fair_between_tenants_and_capped_per_tenant(store: Store) -> None:
    async with store.begin() as uow:
        for i in range(20):
            uow.save_delivery(delivery(f"busy-{i:02}", "busy", due=NOW - timedelta(minutes=9)))
        uow.save_delivery(delivery("quiet-1", "quiet", due=NOW))
        await uow.commit()
    first = await store.claim_deliveries(Claim(NOW, "p1", 60_000, limit=5, per_tenant=4))
    assert [d.id for d in first][:2] == ["busy-00", "quiet-1"]  # one each before any second
    assert [d.id for d in first] == ["busy-00", "quiet-1", "busy-01", "busy-02", "busy-03"]
    again = await store.claim_deliveries(Claim(NOW, "p2", 60_000, limit=5, per_tenant=4))
    assert again == []  # busy has 4 live claims: its cap
    only = await store.claim_deliveries(Claim(NOW, "p2", 60_000, 5, per_tenant=6, tenant="busy"))
    assert [d.id for d in only] == ["busy-04", "busy-05"]


async def test_an_expired_claim_is_claimed_again_and_only_the_holder_settles(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_delivery(delivery("d-1"))
        await uow.commit()
    [held] = await store.claim_deliveries(Claim(NOW, "dead", 5_000, limit=10, per_tenant=10))
    assert (
        await store.claim_deliveries(Claim(NOW + timedelta(seconds=4), "live", 5_000, 10, 10)) == []
    )
    later = NOW + timedelta(seconds=6)
    [taken] = await store.claim_deliveries(Claim(later, "live", 5_000, limit=10, per_tenant=10))
    assert taken.id == held.id
    done = replace(taken, state=DeliveryState.DELIVERED)
    assert not await store.settle_delivery(done, "dead")
    assert await store.settle_delivery(done, "live")
    assert not await store.settle_delivery(done, "live")  # no longer claimed
    async with store.begin() as uow:
        assert (await uow.get_delivery("d-1")).state is DeliveryState.DELIVERED


async def test_claims_follow_retries_the_tenant_clock_and_resets(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_delivery(delivery("d-1"))
        uow.save_delivery(delivery("d-2", due=NOW + timedelta(seconds=30)))
        uow.save_delivery(delivery("other-1", "t2"))
        await uow.commit()

    def claim(at: datetime, tenant: str | None = "t1") -> Claim:
        return Claim(at, "p1", lease_ms=60_000, limit=10, per_tenant=10, tenant=tenant)

    [first] = await store.claim_deliveries(claim(NOW))
    assert first.id == "d-1"
    claimed = DeliveryFilter(tenant="t1", state=DeliveryState.IN_FLIGHT)
    assert [d.id for d in await store.list_deliveries(claimed)] == ["d-1"]
    waiting = DeliveryFilter(tenant="t1", state=DeliveryState.PENDING)
    assert [d.id for d in await store.list_deliveries(waiting)] == ["d-2"]
    retry = replace(first, state=DeliveryState.PENDING, due_at=NOW + timedelta(seconds=10))
    assert await store.settle_delivery(retry, "p1")
    assert await store.claim_deliveries(claim(NOW + timedelta(seconds=9))) == []
    await store.advance_clock("t1", 10_000, 10**12)  # the retry is due on t1's clock
    [again] = await store.claim_deliveries(claim(NOW))
    assert (again.id, again.state, again.due_at) == ("d-1", DeliveryState.IN_FLIGHT, retry.due_at)
    await store.reset("t1")
    assert await store.list_deliveries(DeliveryFilter(tenant="t1")) == []
    later = NOW + timedelta(minutes=5)
    assert await store.claim_deliveries(claim(later)) == []
    assert [d.id for d in await store.claim_deliveries(claim(later, None))] == ["other-1"]


async def test_a_named_lock_has_one_holder_until_released_or_expired(store: Store) -> None:
    assert await store.try_lock("chain:1", "a", NOW, 1_000)
    assert await store.try_lock("chain:1", "a", NOW, 1_000)  # its holder may renew it
    assert not await store.try_lock("chain:1", "b", NOW, 1_000)
    assert await store.try_lock("chain:2", "b", NOW, 1_000)
    await store.unlock("chain:1", "b")  # not b's: still a's
    assert not await store.try_lock("chain:1", "b", NOW, 1_000)
    await store.unlock("chain:1", "a")
    assert await store.try_lock("chain:1", "b", NOW, 1_000)
    assert await store.try_lock("chain:1", "c", NOW + timedelta(seconds=2), 1_000)


async def test_listings_page_by_cursor_newest_first(store: Store) -> None:
    async with store.begin() as uow:
        for i in range(7):
            p = payment(f"o-{i}", pid=f"p-{i}")
            uow.save_payment(replace(p, created_at=NOW + timedelta(seconds=i // 2)))
            uow.save_delivery(delivery(f"d-{i}", created_at=NOW + timedelta(seconds=i // 2)))
        await uow.commit()
    seen: list[str] = []
    before = None
    while True:
        page = await store.list_payments(PaymentFilter(tenant="t1", limit=3, before=before))
        seen.extend(p.id for p in page)
        if len(page) < 3:
            break
        before = (page[-1].created_at, page[-1].id)
    assert seen == ["p-6", "p-5", "p-4", "p-3", "p-2", "p-1", "p-0"]
    first = await store.list_deliveries(DeliveryFilter(limit=4))
    rest = await store.list_deliveries(
        DeliveryFilter(limit=4, before=(first[-1].created_at, first[-1].id))
    )
    assert [d.id for d in [*first, *rest]] == [f"d-{i}" for i in range(6, -1, -1)]


@pytest.fixture(params=["sqlite", "postgresql"])
async def two_stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Store, Store]]:
    """Two store objects on one database, as two sandbox processes have."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.db"
    else:
        url = request.getfixturevalue("postgres_url")
    first, second = store_from_url(url), store_from_url(url)
    await first.open()
    await second.open()
    yield first, second
    await first.close()
    await second.close()


async def test_two_processes_stores_see_one_state_and_conflict_on_stale_writes(
    two_stores: tuple[Store, Store],
) -> None:
    a, b = two_stores
    async with a.begin() as uow:
        uow.save_payment(payment())
        await uow.commit()
    in_b = b.begin()
    stale = await in_b.find_payment("t1", "tranzzo", "o-1")
    async with a.begin() as uow:
        current = await uow.get_payment(stale.id)
        uow.save_payment(decide(current, Start("op-a", APPROVED), Policy(), NOW).payment)
        await uow.commit()
    in_b.save_payment(decide(stale, Start("op-b", APPROVED), Policy(), NOW).payment)
    with pytest.raises(Conflict):
        await in_b.commit()
    assert await b.advance_clock("t1", 5_000, 10**12) == 5_000
    assert await a.clock_offset("t1") == 5_000
    async with a.begin() as uow:
        uow.save_delivery(delivery("d-1"))
        await uow.commit()
    claims = await asyncio.gather(
        a.claim_deliveries(Claim(NOW, "a", 60_000, 10, 10)),
        b.claim_deliveries(Claim(NOW, "b", 60_000, 10, 10)),
    )
    assert sorted(len(c) for c in claims) == [0, 1]


def exchange(
    payment_id: str, tenant: str = "t1", path: str = "/pay", status: int = 200, **kw: object
) -> Exchange:
    return Exchange(
        tenant=tenant,
        payment_id=payment_id,
        at=NOW,
        method="POST",
        path=path,
        status=status,
        latency_ms=3,
        source="tranzzo",
        **kw,  # type: ignore[arg-type]
    )


async def test_payments_are_filtered_by_status_amount_and_time(store: Store) -> None:
    async with store.begin() as uow:
        for i, amount in enumerate((100, 500, 900)):
            p = payment(f"o-{i}", amount=amount, created_at=NOW + timedelta(minutes=i))
            uow.save_payment(p)
        uow.save_payment(payment("declined", status=PaymentStatus.DECLINED, amount=500))
        await uow.commit()

    async def refs(**where: object) -> list[str]:
        return [p.reference for p in await store.list_payments(PaymentFilter(**where))]  # type: ignore[arg-type]

    assert await refs(min_amount=500) == ["o-2", "o-1", "declined"]
    assert await refs(min_amount=200, max_amount=600) == ["o-1", "declined"]
    assert await refs(status="declined") == ["declined"]
    assert await refs(created_from=NOW + timedelta(minutes=1)) == ["o-2", "o-1"]
    assert await refs(created_until=NOW + timedelta(minutes=1)) == ["o-0", "declined"]


async def test_payment_pages_follow_one_another_without_gaps_or_repeats(store: Store) -> None:
    async with store.begin() as uow:
        for i in range(7):
            # Two payments share each second: the id breaks the tie.
            uow.save_payment(payment(f"o-{i}", created_at=NOW + timedelta(seconds=i // 2)))
        await uow.commit()
    seen: list[str] = []
    before = None
    while True:
        page = await store.list_payments(PaymentFilter(tenant="t1", limit=3, before=before))
        seen.extend(p.reference for p in page)
        if len(page) < 3:
            break
        before = (page[-1].created_at, page[-1].id)
    assert seen == [f"o-{i}" for i in (6, 5, 4, 3, 2, 1, 0)]


async def test_a_payment_update_keeps_its_place_and_its_new_status_is_filtered(
    store: Store,
) -> None:
    first, second = payment("a"), payment("b", created_at=NOW + timedelta(seconds=1))
    async with store.begin() as uow:
        uow.save_payment(first)
        uow.save_payment(second)
        await uow.commit()
    async with store.begin() as uow:
        uow.save_payment(replace(first, status=PaymentStatus.DECLINED))
        await uow.commit()
    listed = await store.list_payments(PaymentFilter())
    assert [p.reference for p in listed] == ["b", "a"]
    assert [p.reference for p in await store.list_payments(PaymentFilter(status="declined"))] == [
        "a"
    ]


async def test_exchanges_are_kept_per_payment_in_arrival_order(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_exchange(exchange("p1", path="/first", request='{"a": 1}'))
        uow.save_exchange(exchange("p2", path="/other"))
        uow.save_exchange(exchange("p1", path="/second", status=400))
        await uow.commit()
    kept = await store.list_exchanges("p1")
    assert [(e.path, e.status) for e in kept] == [("/first", 200), ("/second", 400)]
    assert kept[0] == exchange("p1", path="/first", request='{"a": 1}')
    assert await store.list_exchanges("unknown") == []


async def test_the_change_feed_holds_each_records_latest_change_in_order(store: Store) -> None:
    start = await store.last_change()
    p = payment("a")
    async with store.begin() as uow:
        uow.save_payment(p)
        uow.save_delivery(delivery("d1"))
        uow.save_payment(payment("b", "t2"))
        await uow.commit()
    async with store.begin() as uow:
        uow.save_payment(replace(p, status=PaymentStatus.DECLINED))
        await uow.commit()
    changes = await store.changes(start)
    # One unit's changes come in any order among themselves; a later unit's come after.
    assert {(c.kind, c.id) for c in changes[:2]} == {("delivery", "d1"), ("payment", "pay-t2-b")}
    assert [(c.kind, c.id) for c in changes[2:]] == [("payment", p.id)]
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    assert await store.last_change() == changes[-1].seq
    assert [c.id for c in await store.changes(start, tenant="t2")] == ["pay-t2-b"]
    assert await store.changes(changes[-1].seq) == []
    assert await store.changes(start, limit=1) == changes[:1]


async def test_a_reset_is_a_change_and_sequence_numbers_keep_growing(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment("a"))
        await uow.commit()
    before = await store.last_change()
    await store.reset("t1")
    [reset] = await store.changes(before, tenant="t1")
    assert (reset.kind, reset.id, reset.tenant) == ("tenant", "t1", "t1")
    await store.reset()
    everything = await store.changes(reset.seq, tenant="t9")
    assert [(c.kind, c.id) for c in everything] == [("tenant", "*")]
    assert everything[0].seq > reset.seq


async def test_tenants_are_summarised_from_payments_clocks_and_documents(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment("a", "t1"))
        uow.save_payment(payment("b", "t1", created_at=NOW + timedelta(seconds=5)))
        uow.set_clock("t2", 1000)
        uow.put_document("faults", "t3", "queue", [])
        uow.put_document("credential", "", "tranzzo:k", {})  # global documents name no tenant
        await uow.commit()
    summaries = await store.tenants()
    assert [(s.tenant, s.payments) for s in summaries] == [("t1", 2), ("t2", 0), ("t3", 0)]
    assert summaries[0].last_payment_at == NOW + timedelta(seconds=5)
    assert summaries[1].last_payment_at is None
    async with store.begin() as uow:  # an update is not another payment
        uow.save_payment(payment("a", "t1", status=PaymentStatus.DECLINED))
        await uow.commit()
    assert (await store.tenants())[0].payments == 2
    await store.reset("t1")
    assert [s.tenant for s in await store.tenants()] == ["t2", "t3"]


async def test_a_tenants_aliases_and_documents_are_listed_with_their_keys(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment("a", "t1"), aliases=["op-2", "op-1"])
        uow.save_payment(payment("a", "t2"), aliases=["op-9"])
        uow.put_document("token:tranzzo", "t1", "tok", {"n": 1})
        uow.put_document("faults", "t1", "queue", [{"kind": "drop"}])
        uow.put_document("faults", "t2", "queue", [])
        await uow.commit()
    assert await store.list_aliases("t1") == [
        ("tranzzo", "op-1", "pay-t1-a"),
        ("tranzzo", "op-2", "pay-t1-a"),
    ]
    assert await store.documents_of("t1") == [
        ("faults", "queue", [{"kind": "drop"}]),
        ("token:tranzzo", "tok", {"n": 1}),
    ]


async def test_forgetting_a_tenant_in_a_unit_of_work_replaces_it_atomically(store: Store) -> None:
    async with store.begin() as uow:
        uow.save_payment(payment("a", "t1"), aliases=["x"])
        uow.save_payment(payment("b", "t1"))
        uow.save_exchange(exchange("pay-t1-a"))
        uow.set_clock("t1", 5000)
        uow.save_payment(payment("a", "t2"))
        await uow.commit()
    replacement = payment("a", "t1", pid="new-a")  # the same reference, another id
    async with store.begin() as uow:
        uow.forget_tenant("t1")
        uow.save_payment(replacement, aliases=["y"])
        uow.set_clock("t1", 7000)
        await uow.commit()
    assert [p.id for p in await store.list_payments(PaymentFilter(tenant="t1"))] == ["new-a"]
    assert await store.list_aliases("t1") == [("tranzzo", "y", "new-a")]
    assert await store.list_exchanges("pay-t1-a") == []
    assert (await store.clocks())["t1"] == 7000
    assert [p.tenant for p in await store.list_payments(PaymentFilter(tenant="t2"))] == ["t2"]


async def test_a_sqlite_file_of_an_older_version_gets_the_listing_columns(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    p = payment("a", amount=700, status=PaymentStatus.DECLINED)
    with sqlite3.connect(old) as db:
        db.execute(
            "CREATE TABLE payments (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, provider TEXT NOT "
            "NULL, reference TEXT NOT NULL, created_ms INTEGER NOT NULL, due_ms INTEGER, body BLOB "
            "NOT NULL, UNIQUE (tenant, provider, reference))"
        )
        db.execute(
            "INSERT INTO payments VALUES (?, ?, ?, ?, ?, NULL, ?)",
            (p.id, p.tenant, p.provider, p.reference, millis(p.created_at), encode_payment(p)),
        )
    store = SqliteStore(f"sqlite:///{old}")
    await store.open()
    try:
        found = await store.list_payments(PaymentFilter(status="declined", min_amount=700))
        assert found == [p]
        [summary] = await store.tenants()
        assert (summary.tenant, summary.payments) == ("t1", 1)
    finally:
        await store.close()


@pytest.mark.parametrize(
    "where",
    [
        PaymentFilter(),
        PaymentFilter(tenant="t1"),
        PaymentFilter(status="declined"),
        PaymentFilter(tenant="t1", provider="tranzzo", min_amount=5, before=(NOW, "p")),
        PaymentFilter(reference="o-1"),
    ],
)
async def test_sqlite_lists_payments_from_an_index_without_sorting(
    tmp_path: Path, where: PaymentFilter
) -> None:
    """Paging stays fast however many payments are stored: each page walks an index."""
    store = SqliteStore(f"sqlite:///{tmp_path}/plan.db")
    await store.open()
    try:
        sql, params = listing_query(where)
        plan = " | ".join(row[3] for row in store.all(f"EXPLAIN QUERY PLAN {sql}", params))
    finally:
        await store.close()
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
    if where.reference is None:
        assert "TEMP B-TREE" not in plan, plan
