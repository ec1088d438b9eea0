"""Fiserv's "challenge configurable" test cards: the tester picks Y, A, U, N or R on the hosted
ACS page (or through the admin API), and the gateway answers with that result."""

from __future__ import annotations

import html
import re
from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined
from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError

from .conftest import card
from .test_three_d_secure import AUTH, CHALLENGE_ANY, decoded

CONFIGURABLE_BUTTONS = ["approve", "A", "U", "decline", "R", "abandon"]


async def acs_page(params: dict[str, str], choice: str | None = None) -> str:
    async with aiohttp.ClientSession() as browser:
        data = {"creq": params["cReq"]} if choice is None else {"choice": choice}
        async with browser.post(params["acsURL"], data=data) as page:
            assert page.status == 200
            return await page.text()


def buttons(page: str) -> list[str]:
    return re.findall(r'<button id="([^"]+)"', page)


async def challenged(fiserv: AsyncFiservClient, number: str = CHALLENGE_ANY) -> Any:
    sale = await fiserv.sale("10.00", "EUR", card=card(number), authentication=AUTH)
    assert sale["approvalCode"] == "?:waiting 3dsecure"
    return sale


@pytest.mark.parametrize(
    ("choice", "status", "code", "result"),
    [
        ("approve", "Y", "1", "APPROVED"),
        ("A", "A", "4", "APPROVED"),
        ("U", "U", "6", "APPROVED"),
        ("decline", "N", "3", "FAILED"),
        ("R", "R", "3", "FAILED"),
    ],
)
async def test_the_page_of_a_configurable_card_offers_every_result_and_the_gateway_follows(
    fiserv: AsyncFiservClient, choice: str, status: str, code: str, result: str
) -> None:
    sale = await challenged(fiserv)
    params = sale["authenticationResponse"]["params"]
    assert buttons(await acs_page(params)) == CONFIGURABLE_BUTTONS
    page = await acs_page(params, choice)
    posted = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
    assert decoded(posted["cres"])["transStatus"] == status
    try:
        answer = await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    except FiservDeclined as declined:
        assert (declined.status, declined.code) == (409, "50716")
        answer = declined.body
    assert (answer["transactionResult"], answer["secure3dResponse"]) == (
        result,
        {"responseCode3dSecure": code},
    )


async def test_a_card_with_a_fixed_result_keeps_the_standard_buttons(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await challenged(fiserv, "4147463011110109")  # challenge, always Y
    page = await acs_page(sale["authenticationResponse"]["params"])
    assert buttons(page) == ["approve", "decline", "abandon"]


async def test_the_admin_api_takes_the_same_choices(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    sale = await challenged(fiserv)
    payment = await admin.find_payment("fiserv", sale["orderId"])
    with pytest.raises(SandboxApiError) as unknown:
        await admin.complete_challenge(payment["id"], "maybe")
    assert (unknown.value.status, unknown.value.code) == (400, "unknown_choice")
    await admin.complete_challenge(payment["id"], "A")
    done = await fiserv.challenge_done(sale["ipgTransactionId"], "any-cres")
    assert done["secure3dResponse"] == {"responseCode3dSecure": "4"}
