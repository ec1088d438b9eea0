"""A tenant with a bit of everything a case carries, made through the providers' own APIs."""

from __future__ import annotations

from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.macropay.conftest import API_KEY
from tests.providers.macropay.conftest import VISA as MACROPAY_VISA
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import eventually


async def fill_tenant(url: str, tenant: str, sink: WebhookSink) -> dict[str, str]:
    """Payments in several states (one charged back), delivered and waiting webhooks, a token
    and a recurrence chain, queued outcomes and faults, a moved clock. Returns payment ids by order.

    What waits is due an hour of tenant time later, so real time passing changes nothing."""
    headers = {"X-Sandbox-Tenant": tenant}
    ids: dict[str, str] = {}
    async with (
        AsyncTranzzoClient(f"{url}/tranzzo", CREDENTIALS, headers=headers) as tranzzo,
        AsyncMacropayClient(f"{url}/macropay/v2", API_KEY, headers=headers) as macropay,
        AsyncSandboxAdmin(url, tenant) as admin,
    ):
        hook = sink.url_for("tranzzo")
        await admin.inject_fault("delay", seconds=3600)
        ids["paid"] = (await tranzzo.purchase("paid", 100, "UAH", card=VISA, server_url=hook))[
            "payment_id"
        ]
        await admin.dispute(ids["paid"], "chargeback", amount=4000, reason="13.1")
        ids["held"] = (await tranzzo.auth("held", 100, "UAH", card=VISA, server_url=hook))[
            "payment_id"
        ]
        await tranzzo.capture("held", "UAH", 60)
        await tranzzo.refund("held", "UAH", 20)
        await admin.queue_outcome("pending_approved", delay_seconds=3600)
        ids["pending"] = (await tranzzo.purchase("pending", 5, "UAH", card=VISA))["payment_id"]
        order = await macropay.create_order(
            12, "EUR", sequence="initial", generate_token=True, notification_url=sink.url_for("m")
        )
        await macropay.pay_with_card(order["orderId"], MACROPAY_VISA)
        ids["macropay"] = order["orderId"]
        await admin.queue_outcome("declined", operation="refund", count=2)
        await admin.inject_fault("duplicate")
        await admin.advance_clock(2)
        # Nothing in flight: every delivery due has its answer recorded.
        await eventually(
            admin.webhooks,
            lambda hooks: len(hooks) >= 5 and sum(bool(h["attempts"]) for h in hooks) >= 4,
        )
    return ids
