"""Paymentz reports a chargeback as its long status ``chargeback`` (paymentz.md §3.6), in
inquiries and in a callback."""

from __future__ import annotations

from psp_sandbox.client.paymentz import AsyncPaymentzClient, parse_callback
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import KEY, VISA


async def test_a_chargeback_shows_as_the_long_status_chargeback_until_it_is_won(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await paymentz.debit(
        "o-1", "50.00", "EUR", VISA, notification_url=webhook_sink.url_for("notify")
    )
    await webhook_sink.received(1)
    payment = await admin.find_payment("paymentz", "o-1")
    await admin.advance_clock(86_400)  # disputes come once the payment has settled
    await admin.dispute(payment["id"], "inquiry")
    assert (await paymentz.inquiry("o-1"))["status"] == "settled"
    await admin.dispute(payment["id"], "chargeback", reason="13.1")
    found = await paymentz.inquiry("o-1")
    assert (found["status"], found["transactionStatus"]) == ("chargeback", "N")
    await admin.dispute(payment["id"], "won")
    assert (await paymentz.inquiry("o-1"))["status"] == "settled"
    deliveries = await webhook_sink.received(3)
    bodies = [parse_callback(d.body, KEY) for d in deliveries[1:]]
    assert [(b["status"], b["transactionStatus"], b["remark"]) for b in bodies] == [
        ("chargeback", "N", "Chargeback 13.1"),
        ("settled", "Y", "Chargeback reversed"),
    ]


async def test_a_conceded_inquiry_is_a_chargeback_and_a_lost_chargeback_stays_one(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    for order in ("o-1", "o-2"):
        await paymentz.debit(
            order, "50.00", "EUR", VISA, notification_url=webhook_sink.url_for("notify")
        )
    await webhook_sink.received(2)
    conceded = await admin.find_payment("paymentz", "o-1")
    lost = await admin.find_payment("paymentz", "o-2")
    await admin.advance_clock(86_400)
    await admin.dispute(conceded["id"], "inquiry")
    await admin.dispute(conceded["id"], "lost", reason="10.4")
    await admin.dispute(lost["id"], "chargeback", reason="13.1")
    await admin.dispute(lost["id"], "lost")
    for order in ("o-1", "o-2"):
        found = await paymentz.inquiry(order)
        assert (found["status"], found["transactionStatus"]) == ("chargeback", "N")
    for payment, reason in ((conceded, "10.4"), (lost, "13.1")):
        view = await admin.payment(payment["id"])
        sent = sorted(view["webhooks"], key=lambda w: w["created_at"])
        # the payment's own callback, then one for the chargeback: losing it sends nothing more
        assert [(w["payload"]["status"], w["payload"]["remark"]) for w in sent[1:]] == [
            ("chargeback", f"Chargeback {reason}")
        ]
