"""The hosted 3-D Secure page and the hosted checkout page, clicked through in real Chromium."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import CREDENTIALS, card

pytestmark = pytest.mark.browser


async def test_approving_on_the_challenge_page_pays_and_returns_to_the_shop(
    browser: Browser, tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    answer = await tranzzo.purchase(
        "o-1",
        "12.50",
        "UAH",
        card=card("4000000000003220"),
        server_url=webhook_sink.url_for("hooks"),
        result_url=webhook_sink.url_for("shop/back"),
    )
    page = await browser.new_page()
    await page.goto(answer["user_action_url"])
    assert await page.text_content("#title") == "3-D Secure verification"
    assert await page.text_content("#amount") == "12.50 UAH"
    assert await page.text_content("#card") == "400000******3220"
    await page.click("#approve")
    await page.wait_for_url(webhook_sink.url_for("shop/back"))
    [status] = await tranzzo.order_status("o-1")
    assert (status["status"], status["status_code"]) == ("success", "1000")
    [hook] = await webhook_sink.received(1, where=lambda d: d.path == "/hooks")
    assert decode_webhook(hook.form, CREDENTIALS.api_secret)["status"] == "success"


async def test_the_hosted_checkout_takes_a_card_then_the_challenge_decides(
    browser: Browser,
    tranzzo: AsyncTranzzoClient,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    answer = await tranzzo.purchase(
        "o-1",
        99,
        "UAH",
        mode="hosted",
        description="Tea",
        result_url=webhook_sink.url_for("shop/back"),
    )
    page = await browser.new_page()
    await page.goto(answer["redirect_url"])
    assert await page.text_content("#title") == "Pay 99.00 UAH"
    await page.fill("#number", "4000 0000 0000 3220")
    await page.click("#pay")
    await page.wait_for_selector("#decline")
    await page.click("#decline")
    await page.wait_for_url(webhook_sink.url_for("shop/back"))
    [status] = await tranzzo.order_status("o-1")
    assert (status["status"], status["status_code"]) == ("failure", "2108")
    stored = await admin.payment(answer["payment_id"])
    assert stored["status"] == "declined"


async def test_the_hosted_checkout_refuses_an_invalid_card_and_keeps_the_order_open(
    browser: Browser, tranzzo: AsyncTranzzoClient
) -> None:
    answer = await tranzzo.purchase("o-1", 5, "UAH", mode="hosted")
    page = await browser.new_page()
    await page.goto(answer["redirect_url"])
    await page.fill("#number", "4242424242424241")
    await page.click("#pay")
    assert await page.text_content("#error") == "Invalid card number"
    [status] = await tranzzo.order_status("o-1")
    assert status["status"] == "init"
    await page.fill("#number", "4242424242424242")
    await page.click("#pay")
    await page.wait_for_selector("#status")
    assert await page.text_content("#status") == "captured"
    [status] = await tranzzo.order_status("o-1")
    assert status["status"] == "success"
