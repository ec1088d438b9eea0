"""Webhook retries follow the documented default schedule on the tenant clock, then give up."""

from __future__ import annotations

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.sink import WebhookSink
from psp_sandbox.simulator.webhooks import DEFAULT_RETRY_AFTER
from tests.providers.tranzzo.conftest import VISA
from tests.waiting import attempts_recorded


async def test_a_webhook_nobody_accepts_is_retried_on_schedule_then_marked_failed(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    attempts = 1 + len(DEFAULT_RETRY_AFTER)
    webhook_sink.respond_with(*[503] * attempts)
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
    await attempts_recorded(admin, paid["payment_id"], 1)
    for number, wait in enumerate(DEFAULT_RETRY_AFTER, start=2):
        await admin.advance_clock(wait - 1)
        assert len(webhook_sink.deliveries) == number - 1  # not due yet
        await admin.advance_clock(1)
        assert len(webhook_sink.deliveries) == number
    [record] = await admin.webhooks(payment_id=paid["payment_id"])
    assert record["state"] == "failed"
    assert [a["status"] for a in record["attempts"]] == [503] * attempts
    await admin.advance_clock(86_400)
    assert len(webhook_sink.deliveries) == attempts
