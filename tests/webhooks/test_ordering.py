"""A payment's webhooks leave in the order of its events, even when the next falls due while
the previous one is still waiting for its answer."""

from __future__ import annotations

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import eventually

SLOW_ANSWER = 0.5


async def test_a_payments_next_webhook_waits_for_the_answer_to_its_previous_one(
    sandbox: Sandbox, webhook_sink: WebhookSink
) -> None:
    webhook_sink.respond_with(200, delay=SLOW_ANSWER)  # the auth's webhook is answered late
    async with (
        AsyncTranzzoClient(sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers) as t,
        AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as admin,
    ):
        paid = await t.auth("o-1", 100, "UAH", card=VISA, server_url=webhook_sink.url_for())
        await eventually(lambda: webhook_sink.arrived, lambda n: n == 1)
        await t.capture("o-1", "UAH", 100)  # its webhook is due while the first is in flight

        await eventually(
            lambda: admin.webhooks(payment_id=paid["payment_id"]),
            lambda found: len(found) == 2 and all(w["state"] == "delivered" for w in found),
        )
    # The sink notes each webhook as it answers it: the capture's, had it not waited, would
    # have been answered while the auth's was still held.
    sent = [decode_webhook(d.form, CREDENTIALS.api_secret) for d in webhook_sink.deliveries]
    assert [s["method"] for s in sent] == ["auth", "capture"]
