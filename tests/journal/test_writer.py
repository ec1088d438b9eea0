"""The journal commits the records of requests answered together in one unit of work, and
answers each request only once its own record is stored."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from psp_sandbox.simulator.journal.writer import Draft, JournalWriter
from psp_sandbox.simulator.store import Store, store_from_url
from psp_sandbox.simulator.store.memory import MemoryStore

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAN = "4242424242424242"


def draft(payment_id: str, path: str = "/tranzzo/api/v1/payment", **kw: Any) -> Draft:
    fields: dict[str, Any] = {
        "payments": (("t1", payment_id, AT),),
        "method": "POST",
        "path": path,
        "status": 200,
        "latency_ms": 3,
        "source": "tranzzo",
        "request": f'{{"cc_number": "{PAN}", "order_id": "{payment_id}"}}'.encode(),
        "response": b'{"status": "success"}',
    }
    return Draft(**{**fields, **kw})


class CountingStore(MemoryStore):
    """A memory store that counts its units of work, and refuses to commit any that holds
    an exchange for ``refused`` (a record the backend cannot take)."""

    def __init__(self, refused: str = "") -> None:
        super().__init__()
        self.units = 0
        self.refused = refused

    def begin(self) -> Any:
        self.units += 1
        uow = super().begin()
        save, commit = uow.save_exchange, uow.commit
        held: list[str] = []

        def save_exchange(exchange: Any) -> None:
            held.append(exchange.path)
            save(exchange)

        async def refusing_commit() -> None:
            if self.refused in held:
                raise RuntimeError("the backend refused the write")
            await commit()

        uow.save_exchange, uow.commit = save_exchange, refusing_commit  # type: ignore[method-assign]
        return uow


async def test_requests_answered_together_share_one_unit_of_work() -> None:
    store = CountingStore()
    writer = JournalWriter(store)
    await asyncio.gather(*(writer.write(draft(f"p{n}")) for n in range(20)))
    assert store.units == 1
    for n in range(20):
        [kept] = await store.list_exchanges(f"p{n}")
        assert kept.request == f'{{"cc_number": "424242******4242", "order_id": "p{n}"}}'
        assert kept.response == '{"status": "success"}'
        assert (kept.at, kept.status, kept.latency_ms) == (AT, 200, 3)


async def test_a_group_gathers_behind_the_one_being_written() -> None:
    store = CountingStore()
    writer = JournalWriter(store)
    first = asyncio.ensure_future(writer.write(draft("p0")))
    await asyncio.sleep(0)  # the writer has taken p0's group
    await asyncio.gather(first, *(writer.write(draft(f"p{n}")) for n in range(1, 6)))
    assert store.units == 2
    assert all([await store.list_exchanges(f"p{n}") for n in range(6)])


async def test_a_record_that_cannot_be_stored_costs_no_other_request_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = CountingStore(refused="/bad")
    writer = JournalWriter(store)
    with caplog.at_level(logging.ERROR):
        await asyncio.gather(
            writer.write(draft("p1")), writer.write(draft("p2", "/bad")), writer.write(draft("p3"))
        )
    assert [len(await store.list_exchanges(p)) for p in ("p1", "p2", "p3")] == [1, 0, 1]
    assert [r.getMessage() for r in caplog.records] == ["could not record POST /bad"]


async def test_a_draft_that_acted_on_two_payments_is_kept_for_each() -> None:
    store = CountingStore()
    two = draft("p1", payments=(("t1", "p1", AT), ("t2", "p2", AT)), response=None)
    await JournalWriter(store).write(two)
    [one], [other] = await store.list_exchanges("p1"), await store.list_exchanges("p2")
    assert (one.tenant, other.tenant) == ("t1", "t2")
    assert one.request == other.request and PAN not in one.request
    assert one.response == ""


async def test_a_written_record_is_in_the_file_before_its_request_is_answered(
    tmp_path: Path,
) -> None:
    """Another process (here: another store on the same file) finds the record as soon as
    ``write`` returns — the moment the request's answer is sent."""
    url = f"sqlite:///{tmp_path}/journal.db"
    writing, reading = store_from_url(url), store_from_url(url)
    await writing.open()
    await reading.open()
    try:
        writer = JournalWriter(writing)
        for n in range(3):
            await asyncio.gather(*(writer.write(draft(f"p{n}-{m}")) for m in range(4)))
            assert all([await reading.list_exchanges(f"p{n}-{m}") for m in range(4)])
    finally:
        await writing.close()
        await reading.close()


async def test_closing_waits_for_the_group_being_written() -> None:
    release = asyncio.Event()

    class SlowStore(MemoryStore):
        def begin(self) -> Any:
            uow = super().begin()
            commit = uow.commit

            async def slow_commit() -> None:
                await release.wait()
                await commit()

            uow.commit = slow_commit  # type: ignore[method-assign]
            return uow

    store: Store = SlowStore()
    writer = JournalWriter(store)
    answered = asyncio.ensure_future(writer.write(draft("p1")))
    await asyncio.sleep(0)
    closed = asyncio.ensure_future(writer.close())
    await asyncio.sleep(0.01)
    assert not closed.done() and not answered.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(answered, closed), 5)
    assert await store.list_exchanges("p1")
