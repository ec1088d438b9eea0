"""POST /v2/subscriptions: an initial payment, rebills on the plan's schedule (tenant clock), and
the subscription's events at eventSubscriptionUrl; 0907 when no configured MID takes a payment."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import CredentialConfig, Settings
from psp_sandbox.simulator.testing.sink import Delivery, WebhookSink

from .conftest import VISA, CreateOrder, card, envelope, refused

PLAN = "4aa7c1e4-cf8c-4d1c-a6ad-451dd07411ee"
WEEKLY = "5b0a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
DAY = 86_400
KEY = "configured-macropay-key-0001"


def events(deliveries: list[Delivery]) -> list[dict[str, Any]]:
    return [json.loads(d.body) for d in deliveries if d.path == "/events"]


async def test_a_subscription_is_paid_then_rebilled_every_month_of_the_default_plan(
    macropay: AsyncMacropayClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    created = await macropay.create_subscription(PLAN, "EUR", webhook_sink.url_for("events"))
    assert created["money"] == {"amount": 9.99, "currency": "EUR"}
    assert created["subscriptionId"] != created["orderId"]
    paid = await macropay.pay_with_card(created["orderId"], VISA)
    assert paid["transactionStatus"] == "success"
    [activated] = events(await webhook_sink.received(1))
    assert {k: activated[k] for k in ("eventType", "subscriptionId", "planId", "rebill")} == {
        "eventType": "SUBSCRIPTION_ACTIVATED",
        "subscriptionId": created["subscriptionId"],
        "planId": PLAN,
        "rebill": 0,
    }
    assert (activated["transactionId"], activated["transactionStatus"]) == (
        paid["transactionId"],
        "success",
    )
    await admin.advance_clock(27 * DAY)
    await admin.advance_clock(4 * DAY)  # a month at most 31 days later, the first rebill
    first, rebill = events(await webhook_sink.received(2))
    assert (rebill["eventType"], rebill["rebill"], rebill["transactionStatus"]) == (
        "REBILL_SUCCEEDED",
        1,
        "success",
    )
    assert rebill["money"] == {"amount": 9.99, "currency": "EUR"} and rebill["nextRebillDate"]
    charged = await macropay.transaction(rebill["transactionId"])
    assert (charged["transactionStatus"], charged["parentTransactionId"]) == (
        "success",
        paid["transactionId"],
    )
    assert first == activated


async def test_an_initial_amount_may_be_overwritten(
    macropay: AsyncMacropayClient, webhook_sink: WebhookSink
) -> None:
    created = await macropay.create_subscription(
        PLAN, "EUR", webhook_sink.url_for("events"), initial_amount="1.00"
    )
    assert created["money"] == {"amount": 1, "currency": "EUR"}


async def test_an_overwrite_without_an_initial_amount_keeps_the_plans_amount(
    macropay: AsyncMacropayClient, webhook_sink: WebhookSink
) -> None:
    created = await macropay.create_subscription(
        PLAN, "EUR", webhook_sink.url_for("events"), overwrite={}
    )
    assert created["money"] == {"amount": 9.99, "currency": "EUR"}


async def test_a_token_based_subscription_charges_its_initial_payment_at_once(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    order = await new_order("3.00", "EUR", generate_token=True)
    paid = await macropay.pay_with_card(order, VISA)
    token = (await macropay.transaction(paid["transactionId"]))["tokenId"]
    created = await macropay.create_subscription(
        PLAN, "EUR", webhook_sink.url_for("events"), token=(token, paid["transactionId"], order)
    )
    [activated] = events(await webhook_sink.received(1))
    assert (activated["eventType"], activated["orderId"]) == (
        "SUBSCRIPTION_ACTIVATED",
        created["orderId"],
    )
    wrong = await refused(
        macropay.create_subscription(
            PLAN,
            "EUR",
            webhook_sink.url_for("events"),
            token=(token, paid["transactionId"], created["orderId"]),
        )
    )
    assert wrong.body == envelope("0150", "Recurring Data Reference Not Available")


async def test_three_failed_rebills_in_a_row_finish_the_subscription(
    macropay: AsyncMacropayClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    created = await macropay.create_subscription(PLAN, "EUR", webhook_sink.url_for("events"))
    await macropay.pay_with_card(created["orderId"], VISA)
    await webhook_sink.received(1)
    await admin.queue_outcome("declined", count=3, provider="macropay")
    for _ in range(5):
        await admin.advance_clock(31 * DAY)
    found = [
        (e["eventType"], e["rebill"], e.get("reason"))
        for e in events(await webhook_sink.received(5))
    ]
    assert found[:3] == [
        ("SUBSCRIPTION_ACTIVATED", 0, None),
        ("REBILL_FAILED", 1, None),
        ("REBILL_FAILED", 2, None),
    ]
    # the last rebill's two events are sent together, in either order
    assert sorted(found[3:]) == [
        ("REBILL_FAILED", 3, None),
        ("SUBSCRIPTION_FINISHED", 3, "rebills_failed"),
    ]


async def test_an_initial_order_nobody_pays_finishes_its_subscription(
    macropay: AsyncMacropayClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await macropay.create_subscription(PLAN, "EUR", webhook_sink.url_for("events"))
    await admin.advance_clock(3601)
    [finished] = events(await webhook_sink.received(1))
    assert (finished["eventType"], finished["reason"]) == (
        "SUBSCRIPTION_FINISHED",
        "initial_order_expired",
    )


@pytest.mark.parametrize(
    "body",
    [
        {"currency": "EUR", "eventSubscriptionUrl": "https://shop.example/e"},
        {"planId": PLAN, "eventSubscriptionUrl": "https://shop.example/e"},
        {"planId": PLAN, "currency": "EUR"},
        {"planId": "plan-1", "currency": "EUR", "eventSubscriptionUrl": "https://shop.example/e"},
        {
            "planId": PLAN,
            "currency": "EUR",
            "eventSubscriptionUrl": "https://shop.example/e",
            "tokenId": PLAN,
        },
    ],
)
async def test_a_subscription_request_out_of_schema_is_0300(
    macropay: AsyncMacropayClient, body: dict[str, Any]
) -> None:
    error = await refused(macropay.send("POST", "/subscriptions", json.dumps(body).encode()))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


async def test_an_unknown_token_is_0151(macropay: AsyncMacropayClient) -> None:
    error = await refused(
        macropay.create_subscription(
            PLAN, "EUR", "https://shop.example/e", token=(PLAN, PLAN, PLAN)
        )
    )
    assert error.body == envelope("0151", "Token Not Found")


# --- configured credentials: plans and MIDs -------------------------------------------------


@pytest.fixture
async def configured(
    aiohttp_server: Any,
) -> AsyncIterator[tuple[AsyncMacropayClient, AsyncSandboxAdmin]]:
    extra = {
        f"plan.{WEEKLY}": "5.00 every 1 week x 2",
        "mid_currencies": "EUR",
        "mid_brands": "VISA",
    }
    settings = Settings(
        store="memory://",
        poll_interval=0.05,
        credentials={"macropay": [CredentialConfig(key=KEY, tenant="shop", extra=extra)]},
    )
    server = await aiohttp_server(create_app(settings))
    url = str(server.make_url("")).rstrip("/")
    async with (
        AsyncMacropayClient(f"{url}/macropay/v2", KEY) as client,
        AsyncSandboxAdmin(url, "shop") as admin,
    ):
        yield client, admin


async def test_a_configured_plan_sets_amount_period_and_number_of_rebills(
    configured: tuple[AsyncMacropayClient, AsyncSandboxAdmin], webhook_sink: WebhookSink
) -> None:
    macropay, admin = configured
    created = await macropay.create_subscription(WEEKLY, "EUR", webhook_sink.url_for("events"))
    assert created["money"] == {"amount": 5, "currency": "EUR"}
    await macropay.pay_with_card(created["orderId"], VISA)
    for _ in range(4):
        await admin.advance_clock(7 * DAY)
    found = [(e["eventType"], e["rebill"]) for e in events(await webhook_sink.received(4))]
    assert found[:2] == [("SUBSCRIPTION_ACTIVATED", 0), ("REBILL_SUCCEEDED", 1)]
    assert sorted(found[2:]) == [("REBILL_SUCCEEDED", 2), ("SUBSCRIPTION_FINISHED", 2)]


async def test_0907_when_no_configured_mid_takes_the_payment(
    configured: tuple[AsyncMacropayClient, AsyncSandboxAdmin],
) -> None:
    macropay, _admin = configured
    mid_required = envelope("0907", "Configuration Error - MID Required")
    dollars = await macropay.create_order("10.00", "USD")
    assert (await refused(macropay.pay_with_card(dollars["orderId"], VISA))).body == mid_required
    euros = await macropay.create_order("10.00", "EUR")
    mastercard = card("5555555555554444")
    assert (
        await refused(macropay.pay_with_card(euros["orderId"], mastercard))
    ).body == mid_required
    assert (await macropay.pay_with_card(euros["orderId"], VISA))["transactionStatus"] == "success"
    error = await refused(macropay.create_subscription(PLAN, "USD", "https://shop.example/e"))
    assert error.body == mid_required
