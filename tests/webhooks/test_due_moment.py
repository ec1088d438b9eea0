"""A webhook due later is sent at its due moment, not at the next poll: the dispatcher sleeps
until the store says the next delivery falls due. The sandbox here polls once an hour, so only
that moment can send these webhooks within the test's patience."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.server import SandboxServer
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import attempts_recorded, eventually

HOUR = 3600.0
#: Far less than the poll interval, far more than a due moment's own lateness.
PATIENCE = 10.0


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(poll_interval=HOUR) as running:
        yield running


@pytest.fixture
async def clients(
    server: SandboxServer,
) -> AsyncIterator[tuple[AsyncTranzzoClient, AsyncSandboxAdmin]]:
    headers = {"X-Sandbox-Tenant": "due-moment"}
    async with (
        AsyncTranzzoClient(f"{server.url}/tranzzo", CREDENTIALS, headers=headers) as tranzzo,
        AsyncSandboxAdmin(server.url, "due-moment") as admin,
    ):
        yield tranzzo, admin


async def test_a_webhook_held_back_a_second_is_sent_when_that_second_is_over(
    clients: tuple[AsyncTranzzoClient, AsyncSandboxAdmin], webhook_sink: WebhookSink
) -> None:
    tranzzo, admin = clients
    await admin.fault("delay", provider="tranzzo", seconds=1)
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [held] = await admin.webhooks(payment_id=paid["payment_id"])
    assert (held["state"], held["attempts"]) == ("pending", [])  # nothing else wakes it later
    await eventually(lambda: webhook_sink.arrived, lambda n: n == 1, within=PATIENCE)
    [sent] = await attempts_recorded(admin, paid["payment_id"], 1)
    assert sent["attempts"][0]["at"] == held["due_at"]


async def test_a_retry_brought_within_a_second_by_a_clock_advance_is_sent_at_its_moment(
    clients: tuple[AsyncTranzzoClient, AsyncSandboxAdmin], webhook_sink: WebhookSink
) -> None:
    tranzzo, admin = clients
    webhook_sink.respond_with(503, 200)
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
    await attempts_recorded(admin, paid["payment_id"], 1)
    moved = await admin.advance_clock(9)  # the retry, due 10 s after the first attempt, is 1 s off
    assert moved["webhooks_attempted"] == 0
    [record] = await eventually(
        lambda: admin.webhooks(payment_id=paid["payment_id"]),
        lambda found: found[0]["state"] == "delivered",
        within=PATIENCE,
    )
    assert [a["status"] for a in record["attempts"]] == [503, 200]
