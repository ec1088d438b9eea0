"""3-D Secure in real Chromium: the merchant page renders the method form (its iframe reaches
the methodNotificationURL), posts creq to the ACS, the cardholder approves, and the ACS posts
cres to termURL — which the merchant then PATCHes."""

from __future__ import annotations

import html
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import card

pytestmark = pytest.mark.browser


async def sale_with_3ds(
    fiserv: AsyncFiservClient, sink: WebhookSink, amount: str, number: str
) -> Any:
    """A sale asking for 3-D Secure, with the shop's term and method URLs at the sink."""
    return await fiserv.sale(
        amount,
        "EUR",
        card=card(number),
        authentication={
            "authenticationType": "Secure3DAuthenticationRequest",
            "termURL": sink.url_for("shop/3ds/term"),
            "methodNotificationURL": sink.url_for("shop/3ds/method"),
        },
    )


async def post_to_acs(page: Page, params: dict[str, str]) -> None:
    """What the merchant's page does with the challenge: post creq to the ACS."""
    await page.set_content(
        f'<form id="to-acs" method="post" action="{html.escape(params["acsURL"])}">'
        f'<input type="hidden" name="creq" value="{html.escape(params["cReq"])}"></form>'
        '<script>document.getElementById("to-acs").submit();</script>'
    )


async def test_a_challenge_clicked_through_in_a_browser_posts_cres_to_term_url(
    browser: Browser, fiserv: AsyncFiservClient, webhook_sink: WebhookSink
) -> None:
    sale = await sale_with_3ds(fiserv, webhook_sink, "15.00", "5204740000002745")
    page = await browser.new_page()
    method_form = sale["authenticationResponse"]["secure3dMethod"]["methodForm"]
    await page.set_content(f"<html><body>{method_form}</body></html>")
    [notified] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/3ds/method")
    assert "threeDSMethodData" in notified.form

    waiting = await fiserv.method_done(sale["ipgTransactionId"], "RECEIVED")
    await post_to_acs(page, waiting["authenticationResponse"]["params"])
    await page.wait_for_selector("#approve")
    assert await page.text_content("#amount") == "15.00 EUR"
    assert await page.text_content("#card") == "520474******2745"
    await page.click("#approve")
    [back] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/3ds/term")
    done = await fiserv.challenge_done(sale["ipgTransactionId"], back.form["cres"])
    assert (done["transactionStatus"], done["transactionState"]) == ("APPROVED", "CAPTURED")
    assert done["secure3dResponse"] == {"responseCode3dSecure": "1"}


async def test_a_configurable_card_lets_the_tester_click_attempted_in_a_browser(
    browser: Browser, fiserv: AsyncFiservClient, webhook_sink: WebhookSink
) -> None:
    sale = await sale_with_3ds(fiserv, webhook_sink, "7.00", "4147463011110059")
    page = await browser.new_page()
    await post_to_acs(page, sale["authenticationResponse"]["params"])
    await page.wait_for_selector("#A")
    labels = await page.locator("button").all_text_contents()
    assert labels == [
        "Authenticated (Y)",
        "Attempted (A)",
        "Unavailable (U)",
        "Not authenticated (N)",
        "Rejected (R)",
        "Abandon",
    ]
    await page.click("#A")
    [back] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/3ds/term")
    done = await fiserv.challenge_done(sale["ipgTransactionId"], back.form["cres"])
    assert done["secure3dResponse"] == {"responseCode3dSecure": "4"}
    assert done["transactionResult"] == "APPROVED"
