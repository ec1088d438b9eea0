"""A dispatcher stops when cancelled, even in the very moment it is woken (a webhook answered
as the sandbox shuts down): its cancellation is never taken for a wake-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from psp_sandbox.simulator.services.clock import Clocks
from psp_sandbox.simulator.services.credentials import Credentials
from psp_sandbox.simulator.store import MemoryStore
from psp_sandbox.simulator.webhooks import Dispatcher

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_a_dispatcher_cancelled_as_it_is_woken_stops() -> None:
    store = MemoryStore()
    dispatcher = Dispatcher(
        store, Clocks(store, lambda: NOW), Credentials(store, [], "open"), {}, owner="test"
    )
    await dispatcher.start()
    try:
        running = asyncio.create_task(dispatcher.run_forever())
        for _ in range(20):  # let it finish its first pass and go to sleep
            await asyncio.sleep(0)
        dispatcher.wake()
        running.cancel()
        done, _ = await asyncio.wait([running], timeout=5)
        assert done == {running}, "the dispatcher went on running after it was cancelled"
        with pytest.raises(asyncio.CancelledError):
            running.result()
    finally:
        running.cancel()
        await dispatcher.stop()
