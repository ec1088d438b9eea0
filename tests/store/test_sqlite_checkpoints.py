"""The SQLite store's commits never checkpoint the WAL themselves; a thread of the store's own
copies it into the database file while the store is open (and stops when it closes)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from psp_sandbox.simulator.store import Delivery, DeliveryState, SqliteStore
from tests.waiting import eventually

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _checkpointers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-checkpoints"]


async def test_the_wal_reaches_the_database_file_on_the_checkpoint_thread(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path}/s.db")
    before = len(_checkpointers())
    await store.open()
    try:
        # The event loop's connection leaves checkpoints (and their fsyncs) to the thread.
        assert store.one("PRAGMA wal_autocheckpoint", ()) == (0,)
        assert len(_checkpointers()) == before + 1
        marker = "checkpointed-delivery-7f3a"
        delivery = Delivery(
            marker, "t1", "tranzzo", "http://127.0.0.1:1/", "e", {}, DeliveryState.PENDING, NOW, NOW
        )
        async with store.begin() as uow:
            uow.save_delivery(delivery)
            await uow.commit()
        # Committed: in the WAL. Far fewer than 1 000 pages: only the thread moves it.
        database = tmp_path / "s.db"
        await eventually(lambda: marker.encode() in database.read_bytes(), bool)
    finally:
        await store.close()
    assert len(_checkpointers()) == before
