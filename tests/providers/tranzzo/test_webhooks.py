"""Tranzzo webhooks: form-encoded data + signature, one per final operation, retried."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, InvalidSignature, decode_webhook, sign
from psp_sandbox.simulator.providers.tranzzo import webhooks as sandbox_webhooks
from psp_sandbox.simulator.store import Delivery, DeliveryState
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.waiting import attempts_recorded

from .conftest import CREDENTIALS, VISA, card

SECRET = CREDENTIALS.api_secret


def test_signature_reproduces_the_documented_test_vector() -> None:
    data = base64.urlsafe_b64encode(b'{"name":"Joe","age":20}').decode()
    assert data == "eyJuYW1lIjoiSm9lIiwiYWdlIjoyMH0="
    assert sandbox_webhooks.sign(data, "changeme") == "Bcj3hb-h00HrEMIoJ5nPW5ZHlVQ="
    assert sign(data, "changeme") == "Bcj3hb-h00HrEMIoJ5nPW5ZHlVQ="
    assert len(sign(data, "changeme")) == 28


@pytest.mark.parametrize("secret", ["changeme", None])
def test_a_webhook_body_is_exactly_the_urlencoded_form_and_its_signature_is_read_back(
    secret: str | None,
) -> None:
    payload = {"order_id": "o-1", "description": "Ærø & co = 100%", "amount": 1.5}
    delivery = Delivery(
        "d-1", "t", "tranzzo", "http://shop.example/hook", "purchase.success", payload,
        DeliveryState.PENDING, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    encoded = sandbox_webhooks.encode(delivery, secret)
    data = sandbox_webhooks.encode_data(payload)
    signature = sandbox_webhooks.sign(data, secret) if secret else ""
    assert encoded.body == urlencode({"data": data, "signature": signature}).encode()
    assert sandbox_webhooks.signature_of(encoded) == signature


async def test_a_purchase_webhook_is_signed_form_data_of_the_operation(
    tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    answer = await tranzzo.purchase("o-1", 100, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [delivery] = await webhook_sink.received(1)
    assert delivery.headers["Content-Type"] == "application/x-www-form-urlencoded"
    operation = decode_webhook(delivery.form, SECRET)
    assert operation["payment_id"] == answer["payment_id"]
    assert (operation["method"], operation["status"], operation["status_code"]) == (
        "purchase",
        "success",
        "1000",
    )
    with pytest.raises(InvalidSignature):
        decode_webhook(delivery.form, "another-secret")


async def test_every_final_operation_sends_its_own_webhook(
    tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    url = webhook_sink.url_for()
    await tranzzo.auth("o-1", 100, "UAH", card=VISA, server_url=url)
    await tranzzo.capture("o-1", "UAH", 50)  # falls back to the payment's server_url
    await tranzzo.refund("o-1", "UAH", 20, server_url=url)
    deliveries = await webhook_sink.received(3)
    methods = sorted(decode_webhook(d.form, SECRET)["method"] for d in deliveries)
    assert methods == ["auth", "capture", "refund"]


async def test_a_declined_payment_sends_a_failure_webhook(
    tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    await tranzzo.purchase(
        "o-1", 10, "UAH", card=card("4000000000009995"), server_url=webhook_sink.url_for()
    )
    [delivery] = await webhook_sink.received(1)
    operation = decode_webhook(delivery.form, SECRET)
    assert (operation["status"], operation["status_code"]) == ("failure", "5051")


async def test_a_refused_delivery_is_retried_on_the_tenant_clock(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    webhook_sink.respond_with(500)
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [pending] = await attempts_recorded(admin, answer["payment_id"], 1)
    assert pending["state"] == "pending"
    assert [a["status"] for a in pending["attempts"]] == [500]
    await admin.advance_clock(10)
    deliveries = await webhook_sink.received(2)
    assert [d.answered for d in deliveries] == [500, 200]
    [done] = await admin.webhooks(payment_id=answer["payment_id"])
    assert done["state"] == "delivered"
    assert [a["status"] for a in done["attempts"]] == [500, 200]
    assert all(a["latency_ms"] >= 0 for a in done["attempts"])


async def test_the_merchant_can_ask_for_a_webhook_again(
    tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    await webhook_sink.received(1)
    again = await tranzzo.operation_status(
        "o-1", "purchase", transaction_id=answer["transaction_id"], resend_webhook=True
    )
    assert again["transaction_id"] == answer["transaction_id"]
    first, second = await webhook_sink.received(2)
    assert first.form == second.form


async def test_a_delivery_can_be_replayed_from_the_admin_api(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    await webhook_sink.received(1)
    [original] = await admin.webhooks(payment_id=answer["payment_id"])
    copy = await admin.replay_webhook(original["id"])
    assert copy["copy_of"] == original["id"]
    deliveries = await webhook_sink.received(2)
    assert deliveries[0].body == deliveries[1].body


async def test_webhook_faults_drop_and_duplicate_deliveries(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.inject_fault("drop", provider="tranzzo")
    dropped = await tranzzo.purchase("o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [record] = await admin.webhooks(payment_id=dropped["payment_id"])
    assert record["state"] == "dropped"
    await admin.inject_fault("duplicate", provider="tranzzo")
    await tranzzo.purchase("o-2", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    first, second = await webhook_sink.received(2)
    assert first.form == second.form
    assert len(webhook_sink.deliveries) == 2


async def test_a_delay_fault_holds_the_webhook_until_the_clock_moves(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.inject_fault("delay", provider="tranzzo", seconds=60)
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [held] = await admin.webhooks(payment_id=answer["payment_id"])
    assert (held["state"], held["attempts"]) == ("pending", [])
    await admin.advance_clock(60)
    await webhook_sink.received(1)
