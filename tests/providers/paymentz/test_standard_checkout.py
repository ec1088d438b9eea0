"""Standard Checkout: the browser's form POST opens the order and leads to the hosted card page;
its submit pays and the browser returns to merchantRedirectUrl — in real Chromium."""

from __future__ import annotations

import html
from dataclasses import dataclass

import aiohttp
import pytest
from playwright.async_api import Browser

from psp_sandbox.client.paymentz import (
    AsyncPaymentzClient,
    checksum,
    parse_callback,
    verify_redirect,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import KEY, MEMBER


def checkout_form(reference: str, back: str, amount: str = "25.00", **extra: str) -> dict[str, str]:
    return {
        "memberId": MEMBER,
        "totype": "psp-sandbox",
        "amount": amount,
        "currency": "EUR",
        "merchantTransactionId": reference,
        "merchantRedirectUrl": back,
        "checksum": checksum(MEMBER, "psp-sandbox", amount, reference, back, KEY),
        "orderDescription": "Green tea",
        **extra,
    }


def merchant_page(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return f'<form id="pay" method="POST" action="{html.escape(action)}">{inputs}</form>'


def checkout_url(sandbox: Sandbox) -> str:
    return sandbox.base_url("paymentz") + "/transaction/Checkout"


@dataclass(frozen=True)
class Sent:
    status: int
    content_type: str
    text: str
    location: str | None


async def submit(sandbox: Sandbox, form: dict[str, str]) -> Sent:
    """The form posted as a browser would, redirects not followed."""
    async with (
        aiohttp.ClientSession(headers=sandbox.headers) as browser,
        browser.post(checkout_url(sandbox), data=form, allow_redirects=False) as answer,
    ):
        text = await answer.text()
        return Sent(answer.status, answer.content_type, text, answer.headers.get("Location"))


async def test_a_valid_form_opens_the_order_and_leads_to_the_card_page(
    sandbox: Sandbox, paymentz: AsyncPaymentzClient
) -> None:
    sent = await submit(sandbox, checkout_form("o-1", "https://shop.example/back"))
    assert sent.status == 303
    assert sent.location is not None and "/_sandbox/checkout/" in sent.location
    found = await paymentz.inquiry("o-1")
    assert (found["status"], found["transactionStatus"], found["amount"]) == ("begun", "P", "25.00")


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"checksum": "0" * 32}, 403, "Checksum mismatch"),
        ({"amount": "25"}, 400, "Invalid parameter: amount"),
        ({"merchantRedirectUrl": None}, 400, "Missing parameter: merchantRedirectUrl"),
        ({"memberId": "31337"}, 401, "Invalid memberId or secure key"),
    ],
)
async def test_a_bad_checkout_form_gets_an_error_page(
    sandbox: Sandbox, change: dict[str, str | None], status: int, message: str
) -> None:
    form = checkout_form("o-1", "https://shop.example/back")
    for name, value in change.items():
        if value is None:
            del form[name]
        else:
            form[name] = value
    sent = await submit(sandbox, form)
    assert (sent.status, sent.content_type) == (status, "text/html")
    assert message in sent.text


async def test_a_used_merchant_transaction_id_gets_a_409_page(sandbox: Sandbox) -> None:
    form = checkout_form("o-1", "https://shop.example/back")
    async with aiohttp.ClientSession(headers=sandbox.headers) as browser:
        for expected in (303, 409):
            async with browser.post(
                checkout_url(sandbox), data=form, allow_redirects=False
            ) as page:
                assert page.status == expected


async def test_an_order_nobody_pays_lapses_after_thirty_minutes_and_is_called_back(
    sandbox: Sandbox,
    paymentz: AsyncPaymentzClient,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    form = checkout_form("o-1", "https://shop.example/back", notificationUrl=webhook_sink.url_for())
    assert (await submit(sandbox, form)).status == 303
    await admin.advance_clock(30 * 60)
    found = await paymentz.inquiry("o-1")
    assert (found["status"], found["transactionStatus"]) == ("authcancelled", "C")
    [delivery] = await webhook_sink.received(1)
    assert parse_callback(delivery.body, KEY)["transactionStatus"] == "C"


@pytest.mark.browser
@pytest.mark.parametrize("attempt", ["3D", "only3D"])
async def test_a_customer_pays_on_the_hosted_page_and_returns_to_the_shop(
    browser: Browser,
    sandbox: Sandbox,
    paymentz: AsyncPaymentzClient,
    webhook_sink: WebhookSink,
    attempt: str,
) -> None:
    back = webhook_sink.url_for("shop/back")
    form = checkout_form(
        "o-1", back, attemptThreeD=attempt, notificationUrl=webhook_sink.url_for("notify")
    )
    page = await browser.new_page(extra_http_headers=sandbox.headers)
    await page.set_content(merchant_page(checkout_url(sandbox), form))
    async with page.expect_navigation():
        await page.evaluate("document.getElementById('pay').submit()")
    assert await page.text_content("#title") == "Pay 25.00 EUR"
    await page.fill("#number", "4111 1100 0000 0021")
    await page.click("#pay")
    if attempt == "only3D":
        await page.wait_for_selector("#approve")
        await page.click("#approve")
    [returned] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/back")
    fields = verify_redirect(returned.form, KEY)
    assert (fields["merchantTransactionId"], fields["status"], fields["amount"]) == (
        "o-1",
        "Y",
        "25.00",
    )
    assert fields["trackingid"] == fields["paymentId"]
    found = await paymentz.inquiry("o-1")
    assert (found["status"], found["card"]["last4Digits"]) == ("capturesuccess", "0021")
    assert found["eci"] == ("05" if attempt == "only3D" else "07")
    [notified] = await webhook_sink.received(1, where=lambda d: d.path == "/notify")
    assert parse_callback(notified.body, KEY)["status"] == "capturesuccess"


@pytest.mark.browser
async def test_the_card_page_refuses_an_invalid_number_and_keeps_the_order_open(
    browser: Browser, sandbox: Sandbox, paymentz: AsyncPaymentzClient
) -> None:
    form = checkout_form("o-1", "https://shop.example/back", transactionType="PA")
    page = await browser.new_page(extra_http_headers=sandbox.headers)
    await page.set_content(merchant_page(checkout_url(sandbox), form))
    async with page.expect_navigation():
        await page.evaluate("document.getElementById('pay').submit()")
    await page.fill("#number", "4111110000000022")
    await page.click("#pay")
    assert await page.text_content("#error") == "Invalid card number"
    assert (await paymentz.inquiry("o-1"))["status"] == "begun"
