"""Due work runs by itself as time passes, not only when a test moves a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
from tests.providers.tranzzo.conftest import CREDENTIALS, card
from tests.services.fakes import FakeTime
from tests.waiting import eventually


async def test_a_pending_payment_completes_when_real_time_reaches_its_due_moment(
    aiohttp_server: Any,
) -> None:
    time = FakeTime(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
    server = await aiohttp_server(
        create_app(Settings(store="memory://", poll_interval=0.02), real_now=time)
    )
    url = str(server.make_url("")).rstrip("/")
    async with (
        AsyncTranzzoClient(f"{url}/tranzzo", CREDENTIALS) as tranzzo,
        AsyncSandboxAdmin(url, "tranzzo-default") as admin,
    ):
        paid = await tranzzo.purchase("o-1", 10, "UAH", card=card("4000000000000259"))
        assert paid["status"] == "pending"
        time.now += timedelta(seconds=4)
        assert (await tranzzo.order_status("o-1"))[0]["status"] == "pending"
        time.now += timedelta(seconds=1)
        view = await eventually(
            lambda: admin.payment(paid["payment_id"]), lambda p: p["status"] == "captured"
        )
        assert view["history"][-1]["at"] == "2026-01-05T12:00:05+00:00"
