"""A Fiserv payment link paid in real Chromium: the hosted checkout page, then its 3-D Secure
challenge page."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from psp_sandbox.client.fiserv import AsyncFiservClient, amount

pytestmark = pytest.mark.browser


async def test_a_payment_link_is_paid_and_authenticated_in_a_browser(
    browser: Browser, fiserv: AsyncFiservClient
) -> None:
    link = await fiserv.send(
        "POST",
        "/payment-url",
        {
            "transactionAmount": amount("42.42", "EUR"),
            "transactionType": "SALE",
            "orderId": "browser-link",
            "authenticateTransaction": True,
            "hostedPaymentPageText": "Order 42",
        },
    )
    page = await browser.new_page()
    await page.goto(link["paymentUrl"])
    assert await page.text_content("#title") == "Pay 42.42 EUR"
    await page.fill("#number", "5239290700000002")  # challenge configurable
    await page.click("#pay")
    await page.wait_for_selector("#R")
    assert await page.text_content("#card") == "523929******0002"
    await page.click("#R")
    await page.wait_for_selector("text=Verification finished")
    [sale] = (await fiserv.order("browser-link"))["transactions"]
    assert (sale["transactionResult"], sale["approvalCode"]) == (
        "FAILED",
        "N:-50716:Transaction declined. 3D Secure authentication failed.",
    )
    assert sale["secure3dResponse"] == {"responseCode3dSecure": "3"}
