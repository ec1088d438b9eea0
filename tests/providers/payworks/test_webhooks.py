"""Webhooks: the transaction event to the URL registered for the merchant (admin API or
settings), transaction.succeeded for approved charges and refunds, retried, logged."""

from __future__ import annotations

from typing import Any

import pytest

from psp_sandbox.client.payworks import AsyncPayworksClient, parse_event
from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.waiting import eventually

from .conftest import CREDENTIALS, MERCHANT, Charge, approved_charge, executed, payment_of

HOOK = "/payworks-events"


@pytest.fixture
async def hooked(admin: AsyncSandboxAdmin, webhook_sink: WebhookSink) -> WebhookSink:
    """The default merchant's webhooks go to the sink (as set in the Gateway Manager)."""
    await admin.set_merchant_webhook("payworks", MERCHANT, webhook_sink.url_for(HOOK))
    return webhook_sink


async def events(sink: WebhookSink, count: int) -> list[dict[str, Any]]:
    arrived = await sink.received(count, where=lambda d: d.path == HOOK)
    return [parse_event(delivery.body) for delivery in arrived]


async def test_an_approved_charge_is_announced_as_transaction_succeeded(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge, hooked: WebhookSink
) -> None:
    identifier = (await charge("20.00", subject="Coffee"))["transaction"]["identifier"]
    await executed(admin, payworks, identifier)  # PENDING: the PIN is asked; no event yet
    done = await executed(admin, payworks, identifier, pin="1234")
    [event] = await events(hooked, 1)
    assert event["type"] == "transaction.succeeded"
    assert set(event) == {"identifier", "created", "type", "transaction"}
    assert event["transaction"] == done
    [delivery] = hooked.deliveries
    assert delivery.headers["Content-Type"] == "application/json"
    assert not {"Signature", "X-Signature", "Authorization"} & set(delivery.headers)
    logged = await admin.webhooks(payment_id=(await payment_of(admin, identifier))["id"])
    assert [(w["event"], w["state"]) for w in logged] == [("transaction.succeeded", "delivered")]


@pytest.mark.parametrize(
    ("amount", "done", "status"),
    [
        ("100.00", {}, "DECLINED"),
        ("20.00", {"remove_card": True}, "ABORTED"),
        ("10.00", {"card_number": "4000000000000119"}, "ERROR"),
    ],
)
async def test_a_transaction_that_fails_is_announced_as_transaction_failed(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    charge: Charge,
    hooked: WebhookSink,
    amount: str,
    done: dict[str, Any],
    status: str,
) -> None:
    identifier = (await charge(amount))["transaction"]["identifier"]
    if done.get("remove_card"):
        await executed(admin, payworks, identifier)
    await executed(admin, payworks, identifier, **done)
    [event] = await events(hooked, 1)
    assert (event["type"], event["transaction"]["status"]) == ("transaction.failed", status)


async def test_aborts_and_lapsed_sessions_are_announced_as_failed(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge, hooked: WebhookSink
) -> None:
    aborted = (await charge())["transaction"]["identifier"]
    await payworks.abort(aborted)
    lapsed = (await charge())["transaction"]["identifier"]
    await admin.advance_clock(900)
    found = {e["transaction"]["identifier"]: e for e in await events(hooked, 2)}
    assert found[aborted]["transaction"]["statusDetails"]["code"] == "ABORTED_MERCHANT_ABORTED"
    assert found[lapsed]["transaction"]["statusDetails"]["code"] == (
        "DECLINED_INVALID_SESSION_EXPIRED"
    )
    assert {e["type"] for e in found.values()} == {"transaction.failed"}


async def test_approved_refunds_with_and_without_the_card_are_announced_too(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, hooked: WebhookSink
) -> None:
    charge = await approved_charge(admin, payworks, "30.00")
    without_card = await payworks.refund_without_card(charge["identifier"], "10.00", "EUR")
    other = await approved_charge(admin, payworks, "15.00")
    session = await payworks.register_refund(MERCHANT, other["identifier"], "15.00", "EUR")
    with_card = await executed(admin, payworks, session["transaction"]["identifier"])
    announced = await events(hooked, 4)
    succeeded = {e["transaction"]["identifier"]: e for e in announced}
    assert set(succeeded) == {
        charge["identifier"],
        other["identifier"],
        without_card["identifier"],
        with_card["identifier"],
    }
    assert {e["type"] for e in announced} == {"transaction.succeeded"}
    assert succeeded[with_card["identifier"]]["transaction"]["type"] == "REFUND"


async def test_an_event_not_accepted_is_retried_on_the_tenant_clock(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge, hooked: WebhookSink
) -> None:
    hooked.respond_with(500)
    identifier = (await charge())["transaction"]["identifier"]
    await executed(admin, payworks, identifier)
    payment_id = (await payment_of(admin, identifier))["id"]
    await eventually(
        lambda: admin.webhooks(payment_id=payment_id),
        lambda found: bool(found) and found[0]["attempts"] and found[0]["state"] == "pending",
    )
    await admin.advance_clock(10)
    [delivery] = await admin.webhooks(payment_id=payment_id)
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]
    assert delivery["state"] == "delivered"
    first, second = await events(hooked, 2)
    assert first == second


async def test_without_a_registered_url_nothing_is_sent(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge())["transaction"]["identifier"]
    await executed(admin, payworks, identifier)
    assert await admin.webhooks(provider="payworks") == []


async def test_the_url_in_effect_when_a_transaction_is_registered_gets_its_events(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    charge: Charge,
    webhook_sink: WebhookSink,
) -> None:
    await admin.set_merchant_webhook("payworks", "*", webhook_sink.url_for("every-merchant"))
    before = (await charge())["transaction"]["identifier"]
    await admin.set_merchant_webhook("payworks", MERCHANT, webhook_sink.url_for(HOOK))
    after = (await charge())["transaction"]["identifier"]
    for identifier in (before, after):
        await executed(admin, payworks, identifier)
    [to_all] = await webhook_sink.received(1, where=lambda d: d.path == "/every-merchant")
    [to_merchant] = await webhook_sink.received(1, where=lambda d: d.path == HOOK)
    assert parse_event(to_all.body)["transaction"]["identifier"] == before
    assert parse_event(to_merchant.body)["transaction"]["identifier"] == after


async def test_a_url_configured_in_the_settings_serves_every_tenant(
    aiohttp_server: Any, webhook_sink: WebhookSink
) -> None:
    settings = Settings(
        store="memory://",
        merchant_webhooks={"payworks": [{"merchant": MERCHANT, "url": webhook_sink.url_for(HOOK)}]},
    )
    server = await aiohttp_server(create_app(settings))
    url = str(server.make_url("")).rstrip("/")
    async with (
        AsyncPayworksClient(f"{url}/payworks", CREDENTIALS) as payworks,
        AsyncSandboxAdmin(url, "payworks-default") as admin,
    ):
        [listed] = await admin.merchant_webhooks(provider="payworks")
        assert listed == {
            "provider": "payworks",
            "merchant": MERCHANT,
            "url": webhook_sink.url_for(HOOK),
            "tenant": None,
        }
        approved = await approved_charge(admin, payworks, "10.00")
        [event] = await events(webhook_sink, 1)
        assert event["transaction"]["identifier"] == approved["identifier"]


async def test_merchant_webhook_registrations_are_checked(admin: AsyncSandboxAdmin) -> None:
    for call, status, code in (
        (admin.set_merchant_webhook("tranzzo", MERCHANT, "https://x.example/h"), 400,
         "not_per_merchant"),
        (admin.set_merchant_webhook("nobody", MERCHANT, "https://x.example/h"), 400,
         "unknown_provider"),
        (admin.set_merchant_webhook("payworks", MERCHANT, "ftp://x.example/h"), 400,
         "invalid_request"),
        (admin.remove_merchant_webhook("payworks", MERCHANT), 404, "not_registered"),
    ):  # fmt: skip
        with pytest.raises(SandboxApiError) as refused:
            await call
        assert (refused.value.status, refused.value.code) == (status, code)
    await admin.set_merchant_webhook("payworks", MERCHANT, "https://shop.example/hooks")
    [listed] = await admin.merchant_webhooks()
    assert (listed["url"], listed["tenant"]) == ("https://shop.example/hooks", admin.tenant)
    assert await admin.remove_merchant_webhook("payworks", MERCHANT) == {"removed": True}
    assert await admin.merchant_webhooks() == []
