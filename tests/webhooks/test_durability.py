"""Webhook deliveries survive the server process being killed, and arrive after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.process import ServeProcess, free_port
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import attempts_recorded, eventually

pytestmark = pytest.mark.slow
TENANT = {"X-Sandbox-Tenant": "durable"}


async def test_a_due_retry_is_sent_after_the_server_was_killed_and_restarted(
    tmp_path: Path, webhook_sink: WebhookSink
) -> None:
    store = f"sqlite:///{tmp_path}/sandbox.db"
    port = free_port()
    webhook_sink.respond_with(500)
    with ServeProcess("--store", store, port=port) as first:
        async with AsyncTranzzoClient(
            f"{first.url}/tranzzo", CREDENTIALS, headers=TENANT
        ) as tranzzo:
            paid = await tranzzo.purchase(
                "o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for()
            )
        async with AsyncSandboxAdmin(first.url, "durable") as admin:
            await attempts_recorded(admin, paid["payment_id"], 1)
            await admin.advance_clock(3)  # the tenant clock must survive the restart too
            [waiting] = await admin.webhooks(payment_id=paid["payment_id"])
        assert (waiting["state"], [a["status"] for a in waiting["attempts"]]) == ("pending", [500])
        first.kill()

    with ServeProcess("--store", store, port=port) as second:
        async with AsyncSandboxAdmin(second.url, "durable") as admin:
            assert (await admin.clock())["offset_seconds"] == 3
            await admin.advance_clock(7)  # the retry was due 10 s after the first attempt
            [done] = await admin.webhooks(payment_id=paid["payment_id"])
    assert done["state"] == "delivered"
    assert [a["status"] for a in done["attempts"]] == [500, 200]
    deliveries = webhook_sink.deliveries
    assert [d.answered for d in deliveries] == [500, 200]
    assert decode_webhook(deliveries[1].form, CREDENTIALS.api_secret)["order_id"] == "o-1"


async def test_a_delivery_in_flight_when_the_server_dies_is_sent_again_after_restart(
    tmp_path: Path, webhook_sink: WebhookSink
) -> None:
    store = f"sqlite:///{tmp_path}/sandbox.db"
    port = free_port()
    webhook_sink.respond_with(200, delay=30)  # the first answer never arrives in time
    with ServeProcess("--store", store, port=port) as first:
        async with AsyncTranzzoClient(
            f"{first.url}/tranzzo", CREDENTIALS, headers=TENANT
        ) as tranzzo:
            paid = await tranzzo.purchase(
                "o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for()
            )
        async with AsyncSandboxAdmin(first.url, "durable") as admin:
            await eventually(
                lambda: admin.webhooks(payment_id=paid["payment_id"]),
                lambda found: found[0]["state"] == "in_flight",
            )
        await eventually(lambda: webhook_sink.arrived, lambda n: n == 1)
        first.kill()

    with ServeProcess("--store", store, port=port) as second:
        await webhook_sink.received(1, where=lambda d: d.answered == 200 and d.received_at > 0)
        async with AsyncSandboxAdmin(second.url, "durable") as admin:
            [record] = await eventually(
                lambda: admin.webhooks(payment_id=paid["payment_id"]),
                lambda found: found[0]["state"] == "delivered",
            )
    assert [a["status"] for a in record["attempts"]] == [200]


async def test_payments_survive_a_kill(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/sandbox.db"
    port = free_port()
    with ServeProcess("--store", store, port=port) as first:
        async with AsyncTranzzoClient(
            f"{first.url}/tranzzo", CREDENTIALS, headers=TENANT
        ) as tranzzo:
            await tranzzo.auth("o-1", 100, "UAH", card=VISA)
            await tranzzo.capture("o-1", "UAH", 60)
        first.kill()
    with ServeProcess("--store", store, port=port) as second:
        async with AsyncTranzzoClient(
            f"{second.url}/tranzzo", CREDENTIALS, headers=TENANT
        ) as tranzzo:
            listed = await tranzzo.order_status("o-1")
            assert [(o["method"], o["amount"]) for o in listed] == [("auth", 100), ("capture", 60)]
            assert (await tranzzo.refund("o-1", "UAH", 60))["status"] == "success"
