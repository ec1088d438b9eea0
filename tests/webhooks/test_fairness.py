"""Webhooks are fair between tenants: one tenant whose receiver hangs never delays another's."""

from __future__ import annotations

import asyncio

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import attempts_recorded

BUSY_DELIVERIES = 200


async def test_a_tenant_whose_receiver_hangs_does_not_delay_another_tenants_webhooks(
    sandbox: Sandbox, webhook_sink: WebhookSink
) -> None:
    busy = f"{sandbox.tenant}-busy"
    url = sandbox.base_url("tranzzo")
    with WebhookSink() as hanging:
        hanging.respond_with(*[200] * BUSY_DELIVERIES, delay=120)  # far past any timeout
        async with (
            AsyncTranzzoClient(url, CREDENTIALS, headers={"X-Sandbox-Tenant": busy}) as flood,
            AsyncTranzzoClient(url, CREDENTIALS, headers=sandbox.headers) as prompt,
            AsyncSandboxAdmin(sandbox.url, busy) as busy_admin,
            AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as admin,
        ):
            try:
                for start in range(0, BUSY_DELIVERIES, 50):
                    await asyncio.gather(
                        *(
                            flood.purchase(f"b-{i}", 1, "UAH", card=VISA, server_url=hanging.url)
                            for i in range(start, start + 50)
                        )
                    )
                webhook_sink.respond_with(500)
                paid = await prompt.purchase(
                    "o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for()
                )
                await attempts_recorded(admin, paid["payment_id"], 1)
                waiting = await busy_admin.webhooks(limit=BUSY_DELIVERIES)
                assert sum(not w["attempts"] for w in waiting) >= BUSY_DELIVERIES // 2
                # The per-tenant cap of deliveries in flight, across every process.
                assert sum(w["state"] == "in_flight" for w in waiting) <= 8

                moved = await admin.advance_clock(10)  # the retry is due: this call sends it
                assert moved["webhooks_attempted"] == 1
                [record] = await admin.webhooks(payment_id=paid["payment_id"])
                assert record["state"] == "delivered"
                assert [a["status"] for a in record["attempts"]] == [500, 200]
            finally:
                await busy_admin.call("POST", "/reset", {"tenant": busy})
