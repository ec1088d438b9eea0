"""3-D Secure in real Chromium: the merchant page renders the method form (its iframe reaches
the methodNotificationURL), posts creq to the ACS, the cardholder approves, and the ACS posts
cres to termURL — which the merchant then PATCHes."""

from __future__ import annotations

import html

import pytest
from playwright.async_api import Browser

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import card

pytestmark = pytest.mark.browser


async def test_a_challenge_clicked_through_in_a_browser_posts_cres_to_term_url(
    browser: Browser, fiserv: AsyncFiservClient, webhook_sink: WebhookSink
) -> None:
    term_url = webhook_sink.url_for("shop/3ds/term")
    sale = await fiserv.sale(
        "15.00",
        "EUR",
        card=card("5204740000002745"),
        authentication={
            "authenticationType": "Secure3DAuthenticationRequest",
            "termURL": term_url,
            "methodNotificationURL": webhook_sink.url_for("shop/3ds/method"),
        },
    )
    page = await browser.new_page()
    method_form = sale["authenticationResponse"]["secure3dMethod"]["methodForm"]
    await page.set_content(f"<html><body>{method_form}</body></html>")
    [notified] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/3ds/method")
    assert "threeDSMethodData" in notified.form

    waiting = await fiserv.method_done(sale["ipgTransactionId"], "RECEIVED")
    params = waiting["authenticationResponse"]["params"]
    await page.set_content(
        f'<form id="to-acs" method="post" action="{html.escape(params["acsURL"])}">'
        f'<input type="hidden" name="creq" value="{html.escape(params["cReq"])}"></form>'
        '<script>document.getElementById("to-acs").submit();</script>'
    )
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
    term_url = webhook_sink.url_for("shop/3ds/term")
    sale = await fiserv.sale(
        "7.00",
        "EUR",
        card=card("4147463011110059"),
        authentication={
            "authenticationType": "Secure3DAuthenticationRequest",
            "termURL": term_url,
            "methodNotificationURL": webhook_sink.url_for("shop/3ds/method"),
        },
    )
    params = sale["authenticationResponse"]["params"]
    page = await browser.new_page()
    await page.set_content(
        f'<form id="to-acs" method="post" action="{html.escape(params["acsURL"])}">'
        f'<input type="hidden" name="creq" value="{html.escape(params["cReq"])}"></form>'
        '<script>document.getElementById("to-acs").submit();</script>'
    )
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
