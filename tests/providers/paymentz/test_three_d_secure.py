"""3-D Secure: a ``3D`` answer with its redirect to the hosted ACS page, the way back through
TermUrl to merchantRedirectUrl, and the callback — over HTTP and in real Chromium."""

from __future__ import annotations

import base64
import html
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from playwright.async_api import Browser

from psp_sandbox.client.paymentz import AsyncPaymentzClient, parse_callback, verify_redirect
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import KEY, card

CHALLENGE = card("4000000000003220")


def merchant_page(redirect: dict[str, Any]) -> str:
    """What a merchant's page does with the redirect object: post its parameters to its url."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(p["name"])}" value="{html.escape(p["value"])}">'
        for p in redirect["parameters"]
    )
    return (
        f'<form id="go" method="{redirect["method"]}" action="{html.escape(redirect["url"])}">'
        f"{inputs}</form><script>document.getElementById('go').submit()</script>"
    )


async def test_a_challenge_answers_3d_with_the_documented_redirect(
    paymentz: AsyncPaymentzClient,
) -> None:
    answer = await paymentz.debit("o-1", "42.00", "EUR", CHALLENGE)
    assert answer["transactionStatus"] == "3D"
    assert answer["result"]["code"] == "00003"
    redirect = answer["redirect"]
    assert "/_sandbox/acs/" in redirect["url"]
    assert redirect["method"] == "POST"
    assert [p["name"] for p in redirect["parameters"]] == ["PaReq", "TermUrl", "MD"]
    parameters = {p["name"]: p["value"] for p in redirect["parameters"]}
    assert parameters["TermUrl"].endswith("/paymentz/transaction/ThreeDSecureReturn")
    assert json.loads(base64.b64decode(parameters["PaReq"]))["paymentId"] == answer["paymentId"]
    found = await paymentz.inquire(answer["paymentId"])
    assert (found["status"], found["transactionStatus"]) == ("authstarted", "3D")


@pytest.mark.parametrize(
    ("choice", "status", "short"),
    [
        ("approve", "capturesuccess", "Y"),
        ("decline", "authfailed", "N"),
        ("abandon", "authcancelled", "C"),
    ],
)
async def test_the_challenge_decides_the_payment_and_its_callback(
    paymentz: AsyncPaymentzClient,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
    choice: str,
    status: str,
    short: str,
) -> None:
    answer = await paymentz.debit(
        "o-1", "42.00", "EUR", CHALLENGE, notification_url=webhook_sink.url_for()
    )
    payment = await admin.find_payment("paymentz", "o-1")
    await admin.complete_challenge(payment["id"], choice)
    found = await paymentz.inquire(answer["paymentId"])
    assert (found["status"], found["transactionStatus"]) == (status, short)
    assert found["eci"] == ("05" if choice == "approve" else "07")
    [delivery] = await webhook_sink.received(1)
    called_back = parse_callback(delivery.body, KEY)
    assert (called_back["status"], called_back["transactionStatus"]) == (status, short)


async def test_the_acs_returns_through_term_url_to_the_merchant_with_the_result(
    paymentz: AsyncPaymentzClient,
) -> None:
    shop = "https://shop.example/back?cart=7"
    answer = await paymentz.preauth("o-1", "42.00", "EUR", CHALLENGE, redirect_url=shop)
    redirect = answer["redirect"]
    form = {p["name"]: p["value"] for p in redirect["parameters"]}
    async with aiohttp.ClientSession() as browser:
        async with browser.post(redirect["url"], data={**form, "choice": "approve"}) as acs:
            page = await acs.text()
        assert 'action="' + html.escape(form["TermUrl"]) + '"' in page
        assert 'name="MD"' in page and 'name="PaRes"' in page
        term = _hidden_fields(page)
        async with browser.post(form["TermUrl"], data=term) as back:
            returned = await back.text()
    action = html.unescape(returned.split('action="', 1)[1].split('"', 1)[0])
    target = urlsplit(action)
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://shop.example/back"
    query = parse_qs(target.query)
    path = f"/transactionServices/REST/v1/payments/{answer['paymentId']}"
    assert (query["cart"], query["status"], query["resourcePath"]) == (["7"], ["Y"], [path])
    fields = _hidden_fields(returned)
    verify_redirect(fields, KEY)
    assert (fields["paymentId"], fields["status"], fields["amount"]) == (
        answer["paymentId"],
        "Y",
        "42.00",
    )
    assert (fields["resultCode"], fields["cardLast4Digits"]) == ("00001", "3220")


async def test_term_url_without_a_known_transaction_is_a_404_page(sandbox: Sandbox) -> None:
    url = sandbox.base_url("paymentz") + "/transaction/ThreeDSecureReturn"
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(url, data={"MD": "no-such.payment", "PaRes": "x"}) as page,
    ):
        text = await page.text()
        assert (page.status, page.content_type) == (404, "text/html")
    assert "Record not found" in text


def _hidden_fields(page: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for chunk in page.split('<input type="hidden" ')[1:]:
        name = html.unescape(chunk.split('name="', 1)[1].split('"', 1)[0])
        value = html.unescape(chunk.split('value="', 1)[1].split('"', 1)[0])
        fields[name] = value
    return fields


@pytest.mark.browser
async def test_a_cardholder_passes_the_challenge_in_a_real_browser(
    browser: Browser, paymentz: AsyncPaymentzClient, webhook_sink: WebhookSink
) -> None:
    back = webhook_sink.url_for("shop/back")
    answer = await paymentz.debit(
        "o-1",
        "42.00",
        "EUR",
        CHALLENGE,
        notification_url=webhook_sink.url_for("notify"),
        redirect_url=back,
    )
    page = await browser.new_page()
    await page.set_content(merchant_page(answer["redirect"]))
    await page.wait_for_selector("#approve")
    assert await page.text_content("#amount") == "42.00 EUR"
    assert await page.text_content("#card") == "400000******3220"
    await page.click("#approve")
    [returned] = await webhook_sink.received(1, where=lambda d: d.path == "/shop/back")
    fields = verify_redirect(returned.form, KEY)
    assert (fields["paymentId"], fields["status"]) == (answer["paymentId"], "Y")
    [notified] = await webhook_sink.received(1, where=lambda d: d.path == "/notify")
    assert parse_callback(notified.body, KEY)["transactionStatus"] == "Y"
    assert (await paymentz.status(answer["paymentId"]))["status"] == "capturesuccess"
