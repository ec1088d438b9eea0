"""A clock advance drains its tenant's backlog of due webhooks at the receiver's pace, each
answered attempt making room for the next due one at once, and reports every attempt it waited
for (it reported one round's, up to the per-tenant cap, when the background dispatcher sent the
rest)."""

from __future__ import annotations

import asyncio

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

HELD = 86_400
#: Three times the per-tenant cap of deliveries in flight (8).
BACKLOG = 24
#: The first answer's wait: far longer than the rest of the backlog takes, far shorter than
#: the dispatcher's answer timeout.
SLOW = 4.0


async def test_a_clock_advance_sends_its_whole_backlog_past_one_slow_answer_and_counts_it(
    sandbox: Sandbox, webhook_sink: WebhookSink
) -> None:
    async with (
        AsyncTranzzoClient(
            sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers
        ) as api,
        AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as admin,
    ):
        await admin.fault("delay", provider="tranzzo", count=BACKLOG, seconds=HELD)
        for i in range(BACKLOG):
            await api.purchase(f"o-{i}", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
        webhook_sink.respond_with(200, delay=SLOW)  # the first to arrive waits
        advance = asyncio.create_task(admin.advance_clock(HELD + 1))
        # While the first attempt waits for its answer, every other one is sent and answered
        # (the sink records a delivery as it answers; it fails the wait if they do not come).
        await webhook_sink.received(BACKLOG - 1, seconds=SLOW - 1)
        assert not advance.done()  # the advance answers once the slow attempt is settled
        moved = await advance
    assert moved["webhooks_attempted"] == BACKLOG
