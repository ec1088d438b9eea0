"""3-D Secure in Macropay: waiting_user_interaction with an action object to the hosted ACS page."""

from __future__ import annotations

import html
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser

from psp_sandbox.client.macropay import (
    AsyncMacropayClient,
    RedirectUrls,
    parse_callback,
    parse_notification,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import CreateOrder, card

CHALLENGE = card("4000000000003220")


def merchant_page(action: dict[str, Any]) -> str:
    """What a merchant's page does with an action object: a form posted to its url."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(p["key"])}" value="{html.escape(p["value"])}">'
        for p in action["parameters"]
    )
    return (
        f'<form id="go" method="{action["method"]}" action="{html.escape(action["url"])}">'
        f"{inputs}</form><script>document.getElementById('go').submit()</script>"
    )


async def test_a_challenge_answers_waiting_user_interaction_with_an_action_to_the_acs(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    order = await new_order(notification_url=webhook_sink.url_for("notify"))
    answer = await macropay.pay_with_card(order, CHALLENGE)
    assert answer["transactionStatus"] == "waiting_user_interaction"
    assert answer["message"] == "The payment is being processed"
    assert answer["version"] == 2
    action = answer["action"]
    assert "/_sandbox/acs/" in action["url"]
    assert (action["method"], action["headers"]) == ("POST", [])
    assert [p["key"] for p in action["parameters"]] == ["connector", "PaReq"]
    assert action["parameters"][0]["value"] == "THREEDSECURE"
    [delivery] = await webhook_sink.received(1)
    notified = parse_notification(delivery.body)
    assert (notified["transactionStatus"], notified["action"]) == (
        "waiting_user_interaction",
        action,
    )
    found = await macropay.transaction(answer["transactionId"])
    assert (found["transactionStatus"], found["action"]) == ("waiting_user_interaction", action)


async def test_passing_the_challenge_succeeds_and_is_notified_and_called_back(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    urls = RedirectUrls(webhook_sink.url_for("ok"), webhook_sink.url_for("ko"))
    order = await new_order(notification_url=webhook_sink.url_for("notify"), redirect_url=urls)
    answer = await macropay.pay_with_card(order, CHALLENGE)
    payment = await admin.find_payment("macropay", order)
    await admin.complete_challenge(payment["id"], "approve")
    notes = await webhook_sink.received(2, where=lambda d: d.path == "/notify")
    assert [parse_notification(d.body)["transactionStatus"] for d in notes] == [
        "waiting_user_interaction",
        "success",
    ]
    [ok] = await webhook_sink.received(1, where=lambda d: d.path == "/ok")
    [element] = parse_callback(ok.body)
    assert (element["transactionId"], element["transactionStatus"]) == (
        answer["transactionId"],
        "success",
    )
    assert element["liabilityShift"] is True
    events = sorted(h["event"] for h in await admin.webhooks(payment_id=payment["id"]))
    assert events == ["callback", "payment.success", "payment.waiting_user_interaction"]


@pytest.mark.parametrize("choice", ["decline", "abandon"])
async def test_failing_the_challenge_fails_the_payment_with_an_error(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
    choice: str,
) -> None:
    urls = RedirectUrls(webhook_sink.url_for("ok"), webhook_sink.url_for("ko"))
    order = await new_order(redirect_url=urls)
    answer = await macropay.pay_with_card(order, CHALLENGE)
    await admin.complete_challenge((await admin.find_payment("macropay", order))["id"], choice)
    found = await macropay.transaction(answer["transactionId"])
    assert (found["transactionStatus"], found["error"]["code"]) == ("failed", "0102")
    [ko] = await webhook_sink.received(1, where=lambda d: d.path == "/ko")
    assert parse_callback(ko.body)[0]["transactionStatus"] == "failed"


async def test_the_hosted_acs_page_takes_the_form_post_and_returns_to_the_3ds_result_url(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    back = "https://shop.example/3ds-result?order=1"
    order = await new_order(redirect_url=RedirectUrls(three_ds_challenge_result=back))
    answer = await macropay.pay_with_card(order, CHALLENGE)
    action = answer["action"]
    form = {p["key"]: p["value"] for p in action["parameters"]}
    async with aiohttp.ClientSession() as browser:
        async with browser.post(action["url"], data=form) as page:
            text = await page.text()
            assert page.status == 200
            assert 'id="approve"' in text and "10.00 EUR" in text
            assert "400000******3220" in text
        async with browser.post(
            action["url"], data={**form, "choice": "approve"}, allow_redirects=False
        ) as done:
            assert (done.status, done.headers["Location"]) == (303, back)
    found = await macropay.transaction(answer["transactionId"])
    assert found["transactionStatus"] == "success"


@pytest.mark.browser
async def test_a_cardholder_passes_the_challenge_in_a_real_browser(
    browser: Browser,
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    webhook_sink: WebhookSink,
) -> None:
    back = webhook_sink.url_for("3ds-done")
    order = await new_order(
        "42.00",
        "EUR",
        notification_url=webhook_sink.url_for("notify"),
        redirect_url=RedirectUrls(
            webhook_sink.url_for("ok"), webhook_sink.url_for("ko"), three_ds_challenge_result=back
        ),
    )
    answer = await macropay.pay_with_card(order, CHALLENGE)
    page = await browser.new_page()
    await page.set_content(merchant_page(answer["action"]))
    await page.wait_for_selector("#approve")
    assert await page.text_content("#amount") == "42.00 EUR"
    async with page.expect_navigation(url=back):
        await page.click("#approve")
    [returned] = await webhook_sink.received(1, where=lambda d: d.path == "/3ds-done")
    assert returned.body == b""
    found = await macropay.transaction(answer["transactionId"])
    assert found["transactionStatus"] == "success"
    notes = await webhook_sink.received(2, where=lambda d: d.path == "/notify")
    assert parse_notification(notes[-1].body)["transactionStatus"] == "success"
    [ok] = await webhook_sink.received(1, where=lambda d: d.path == "/ok")
    assert parse_callback(ok.body)[0]["liabilityShift"] is True


async def test_an_authenticated_payment_may_still_be_in_process_before_its_result(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    order = await new_order(notification_url=webhook_sink.url_for("notify"))
    answer = await macropay.pay_with_card(order, CHALLENGE)
    payment = await admin.find_payment("macropay", order)
    await admin.resolve(payment["id"], "pending_approved")
    assert (await macropay.transaction(answer["transactionId"]))[
        "transactionStatus"
    ] == "in_process"
    await admin.advance_clock(5)
    notes = await webhook_sink.received(3)
    assert [parse_notification(d.body)["transactionStatus"] for d in notes] == [
        "waiting_user_interaction",
        "in_process",
        "success",
    ]
