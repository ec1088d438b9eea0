"""Every base path Fiserv serves the API under: cert, Apigee, the EMEA sandbox, and the legacy
3-D Secure 1 update path."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import CREDENTIALS, VISA, TenantClock, card

AUTH = {
    "authenticationType": "Secure3DAuthenticationRequest",
    "termURL": "https://shop.example/3ds/term",
    "methodNotificationURL": "https://shop.example/3ds/method",
}


@pytest.fixture
async def mount(sandbox: Sandbox, clock: TenantClock) -> AsyncIterator[AsyncFiservClient]:
    """A client at the Fiserv mount itself: the base path is part of each call's path."""
    async with AsyncFiservClient(
        sandbox.base_url("fiserv"), CREDENTIALS, headers=sandbox.headers, clock=clock
    ) as client:
        yield client


@pytest.mark.parametrize(
    "base", ["/gateway/v2", "/ipp/payments-gateway/v2", "/sandbox/ipp/payments-gateway/v2"]
)
async def test_the_api_answers_under_each_documented_base_path(
    mount: AsyncFiservClient, base: str
) -> None:
    sale = await mount.send(
        "POST",
        f"{base}/payments",
        {
            "requestType": "PaymentCardSaleTransaction",
            "transactionAmount": {"total": "12.04", "currency": "EUR"},
            "paymentMethod": {"paymentCard": VISA.as_json()},
        },
    )
    assert sale["transactionStatus"] == "APPROVED"
    found = await mount.send("GET", f"/sandbox/ipp/payments-gateway/v2/orders/{sale['orderId']}")
    assert [t["ipgTransactionId"] for t in found["transactions"]] == [sale["ipgTransactionId"]]


async def test_the_legacy_3ds_1_update_path_finishes_a_fallback_authentication(
    mount: AsyncFiservClient,
) -> None:
    sale = await mount.send(
        "POST",
        "/gateway/v2/payments",
        {
            "requestType": "PaymentCardSaleTransaction",
            "transactionAmount": {"total": "5", "currency": "EUR"},
            "paymentMethod": {"paymentCard": card("4035874000424977").as_json()},
            "authenticationRequest": AUTH,
        },
    )
    params = sale["authenticationResponse"]["params"]
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(params["acsURL"], data={"choice": "approve"}) as done,
    ):
        posted = dict(re.findall(r'name="(\w+)" value="([^"]*)"', await done.text()))
    answer = await mount.call(
        "PATCH",
        f"/ipgrestapi/v2/services/payments/{sale['ipgTransactionId']}",
        {
            "authenticationType": "Secure3D10AuthenticationUpdateRequest",
            "payerAuthenticationResponse": posted["PaRes"],
            "merchantData": posted["MD"],
        },
    )
    assert (answer.status, answer.json()["error"]["code"]) == (409, "50716")
    assert answer.json()["ipgTransactionId"] == sale["ipgTransactionId"]


async def test_only_the_update_is_served_at_the_legacy_path(sandbox: Sandbox) -> None:
    url = sandbox.base_url("fiserv") + "/ipgrestapi/v2/services/payments/12345678901"
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        assert answer.status == 405
        assert (await answer.json())["error"]["code"] == "405"
