"""The memory store keeps an index of each tenant's records, so that resetting or listing one
tenant reads only its own: whatever mix of writes and resets came before, it answers exactly as
the SQLite store (which has no such index to get wrong) answers."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from psp_sandbox.simulator.store import (
    DeliveryFilter,
    DeliveryState,
    Exchange,
    MemoryStore,
    PaymentFilter,
    SqliteStore,
    Store,
)

from .test_store_conformance import NOW, delivery, payment

TENANTS = ("t1", "t2", "t3")

tenants = st.sampled_from(TENANTS)
names = st.sampled_from(("a", "b", "c", "d"))
#: One write or reset: what each does is in ``apply``.
operations = st.one_of(
    st.tuples(
        st.just("payment"),
        tenants,
        names,
        st.integers(0, 5),
        st.lists(names, max_size=2),
        st.none() | st.integers(-5, 5),
    ),
    st.tuples(st.just("delivery"), tenants, names, st.sampled_from(list(DeliveryState))),
    st.tuples(st.just("document"), tenants, names, st.integers(0, 9)),
    st.tuples(st.just("delete-document"), tenants, names),
    st.tuples(st.just("exchange"), tenants, names),
    st.tuples(st.just("clock"), tenants, st.sampled_from((1, 2000, 4000))),
    st.tuples(st.just("reset"), st.sampled_from((*TENANTS, None))),
    st.tuples(st.just("replace-tenant"), tenants, names),
)


async def apply(store: Store, operation: tuple[Any, ...]) -> None:
    kind, *args = operation
    if kind == "reset":
        await store.reset(args[0])
        return
    async with store.begin() as uow:
        match kind, args:
            case "payment", [tenant, name, seconds, aliases, due_in]:
                at = NOW + timedelta(seconds=seconds)
                due = None if due_in is None else NOW + timedelta(seconds=due_in)
                uow.save_payment(payment(name, tenant, created_at=at, due_at=due), aliases=aliases)
            case "delivery", [tenant, name, state]:
                uow.save_delivery(delivery(f"{tenant}-{name}", tenant, state=state))
            case "document", [tenant, name, value]:
                uow.put_document("kind", tenant, name, value)
            case "delete-document", [tenant, name]:
                uow.delete_document("kind", tenant, name)
            case "exchange", [tenant, name]:
                uow.save_exchange(
                    Exchange(tenant, f"pay-{tenant}-{name}", NOW, "POST", "/", 200, 1, "", "", "")
                )
            case "clock", [tenant, offset]:
                uow.set_clock(tenant, offset)
            case "replace-tenant", [tenant, name]:  # an import: forget, then write anew
                uow.forget_tenant(tenant)
                uow.save_payment(replace(payment(name, tenant), created_at=NOW))
        await uow.commit()


async def observe(store: Store) -> dict[str, Any]:
    """Everything a reader can see, per tenant and overall, with paging."""
    seen: dict[str, Any] = {"clocks": await store.clocks(), "tenants": await store.tenants()}
    for tenant in (*TENANTS, None):
        listed = await store.list_payments(PaymentFilter(tenant=tenant, limit=1000))
        first = await store.list_payments(PaymentFilter(tenant=tenant, limit=2))
        rest = (
            await store.list_payments(
                PaymentFilter(
                    tenant=tenant, limit=1000, before=(first[-1].created_at, first[-1].id)
                )
            )
            if first
            else []
        )
        seen[f"payments {tenant}"] = [p.id for p in listed]
        seen[f"paged {tenant}"] = [p.id for p in [*first, *rest]]
        seen[f"deliveries {tenant}"] = [
            d.id for d in await store.list_deliveries(DeliveryFilter(tenant=tenant, limit=1000))
        ]
        seen[f"documents {tenant}"] = await store.list_documents("kind", tenant)
        if tenant is not None:
            seen[f"documents of {tenant}"] = await store.documents_of(tenant)
            seen[f"aliases {tenant}"] = await store.list_aliases(tenant)
            for name in ("a", "b", "c", "d"):
                exchanges = await store.list_exchanges(f"pay-{tenant}-{name}")
                seen[f"exchanges {tenant} {name}"] = len(exchanges)
    for moment in (-6, 0, 3, 6):  # the clocks are milliseconds ahead: due times are seconds
        for limit in (1, 100):
            at = NOW + timedelta(seconds=moment)
            seen[f"due {moment} {limit}"] = await store.due_payments(at, limit)
            seen[f"due t1 {moment} {limit}"] = await store.due_payments(at, limit, "t1")
    seen["changes"] = [(c.tenant, c.kind, c.id) for c in await store.changes(0)]
    return seen


@settings(max_examples=60, deadline=None)
@given(st.lists(operations, max_size=25))
def test_the_memory_store_sees_what_the_sqlite_store_sees_after_any_writes_and_resets(
    ops: list[tuple[Any, ...]],
) -> None:
    async def run() -> tuple[dict[str, Any], dict[str, Any]]:
        with tempfile.TemporaryDirectory() as scratch:
            memory, sqlite = MemoryStore(), SqliteStore(f"sqlite:///{Path(scratch)}/s.db")
            await sqlite.open()
            try:
                for operation in ops:
                    for store in (memory, sqlite):
                        await apply(store, operation)
                return await observe(memory), await observe(sqlite)
            finally:
                await sqlite.close()

    in_memory, in_sqlite = asyncio.run(run())
    assert in_memory == in_sqlite


async def test_resetting_a_small_tenant_beside_a_large_one_keeps_the_large_ones_listing() -> None:
    """A few payments leave the overall listing one by one, many in one pass: both keep the
    other tenants' payments, in order."""
    store = MemoryStore()
    async with store.begin() as uow:
        for i in range(600):
            uow.save_payment(payment(f"big-{i}", "t2", created_at=NOW + timedelta(seconds=i % 7)))
        for i in range(2):
            uow.save_payment(payment(f"small-{i}", "t1", created_at=NOW + timedelta(seconds=i)))
        await uow.commit()
    everything = await store.list_payments(PaymentFilter(limit=1000))
    await store.reset("t1")
    after = await store.list_payments(PaymentFilter(limit=1000))
    assert [p.id for p in after] == [p.id for p in everything if p.tenant == "t2"]
    await store.reset("t2")
    assert await store.list_payments(PaymentFilter(limit=1000)) == []
