"""Payment links (/payment-url): created, paid on the hosted checkout page (3-D Secure there when
asked for), listed, expired on the tenant clock, cancelled."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservBadRequest, FiservDeclined, amount
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import TenantClock


async def create_link(fiserv: AsyncFiservClient, **fields: Any) -> Any:
    body = {"transactionAmount": amount("25.00", "EUR"), "transactionType": "SALE", **fields}
    return await fiserv.send("POST", "/payment-url", body)


async def details(fiserv: AsyncFiservClient, clock: TenantClock, **query: str) -> Any:
    now = int(clock())
    params = "&".join(
        f"{k}={v}" for k, v in {"fromDate": now - 3600, "toDate": now + 3600, **query}.items()
    )
    return (await fiserv.send("GET", f"/payment-url?{params}"))["paymentUrlDetails"]


async def pay_on_page(url: str, number: str) -> tuple[str, str]:
    """Submit the hosted page's form as a cardholder would; the final URL and page text."""
    form = {"number": number, "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
            "holder": "Ana Test"}  # fmt: skip
    async with aiohttp.ClientSession() as browser, browser.post(url, data=form) as page:
        return str(page.url), await page.text()


async def test_a_link_is_paid_on_the_hosted_page_and_then_shows_as_used(
    fiserv: AsyncFiservClient, clock: TenantClock
) -> None:
    link = await create_link(fiserv, orderId="link-1", hostedPaymentPageText="Concert tickets")
    assert (link["requestStatus"], link["orderId"]) == ("SUCCESS", "link-1")
    assert "/_sandbox/checkout/" in link["paymentUrl"]
    assert link["expiration"] > time.time() + 29 * 86_400
    [listed] = await details(fiserv, clock, orderId="link-1")
    assert (listed["status"], listed["paymentUrl"]) == ("Created", link["paymentUrl"])
    async with aiohttp.ClientSession() as browser, browser.get(link["paymentUrl"]) as page:
        text = await page.text()
    assert "25.00 EUR" in text and "Concert tickets" in text
    _url, result = await pay_on_page(link["paymentUrl"], "4111111111111111")
    assert "captured" in result
    order = await fiserv.order("link-1")
    [sale] = order["transactions"]
    assert (sale["transactionType"], sale["transactionResult"], sale["ipgTransactionId"]) == (
        "SALE",
        "APPROVED",
        link["transactionId"],
    )
    assert [d["status"] for d in await details(fiserv, clock, orderId="link-1")] == ["Used"]


async def test_a_preauth_link_authorizes_and_is_captured_by_the_merchant(
    fiserv: AsyncFiservClient,
) -> None:
    link = await create_link(fiserv, transactionType="PREAUTH", orderId="link-2")
    await pay_on_page(link["paymentUrl"], "5555555555554444")
    post = await fiserv.postauth("link-2", "25.00", "EUR", by_order=True)
    assert (post["transactionType"], post["transactionResult"]) == ("POSTAUTH", "APPROVED")


async def test_a_link_with_3ds_challenges_on_the_acs_page_and_finishes_there(
    fiserv: AsyncFiservClient,
) -> None:
    link = await create_link(fiserv, orderId="link-3", authenticateTransaction=True)
    acs_url, page = await pay_on_page(link["paymentUrl"], "4147463011110059")
    assert "/_sandbox/acs/" in acs_url and 'id="A"' in page
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(acs_url, data={"choice": "A"}) as done,
    ):
        assert "captured" in await done.text()
    [sale] = (await fiserv.order("link-3"))["transactions"]
    assert (sale["transactionResult"], sale["secure3dResponse"]) == (
        "APPROVED",
        {"responseCode3dSecure": "4"},
    )


async def test_a_link_expires_on_the_tenant_clock(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    link = await create_link(fiserv, orderId="link-4", expiration=int(clock()) + 60)
    await clock.advance(admin, 61)
    assert [d["status"] for d in await details(fiserv, clock, orderId="link-4")] == ["Expired"]
    _url, page = await pay_on_page(link["paymentUrl"], "4111111111111111")
    assert "This order is closed" in page and "expired" in page


async def test_a_link_is_cancelled_by_delete_until_it_is_used(
    fiserv: AsyncFiservClient, clock: TenantClock
) -> None:
    link = await create_link(fiserv, orderId="link-5")
    gone = await fiserv.send("DELETE", f"/payment-url?transactionId={link['transactionId']}")
    assert gone["orderId"] == "link-5"
    assert [d["status"] for d in await details(fiserv, clock, orderId="link-5")] == ["Cancelled"]
    _url, page = await pay_on_page(link["paymentUrl"], "4111111111111111")
    assert "cancelled" in page
    used = await create_link(fiserv, orderId="link-6")
    await pay_on_page(used["paymentUrl"], "4111111111111111")
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.send("DELETE", "/payment-url?orderId=link-6")
    assert (refused.value.status, refused.value.code) == (409, "50305")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"transactionType": "RETURN"}, "transactionType"),
        ({"expiration": 1_000_000}, "expiration"),
        ({"transactionType": None}, "transactionType"),
    ],
)
async def test_a_link_request_the_gateway_cannot_serve_is_a_400(
    fiserv: AsyncFiservClient, changes: dict[str, Any], field: str
) -> None:
    body = {"transactionAmount": amount("1", "EUR"), "transactionType": "SALE", **changes}
    with pytest.raises(FiservBadRequest) as bad:
        await fiserv.send("POST", "/payment-url", {k: v for k, v in body.items() if v is not None})
    assert bad.value.body["error"]["details"][0]["field"] == field


async def test_the_link_list_needs_its_time_range(fiserv: AsyncFiservClient) -> None:
    with pytest.raises(FiservBadRequest) as bad:
        await fiserv.send("GET", "/payment-url?toDate=1")
    assert bad.value.body["error"]["details"] == [
        {"field": "fromDate", "message": "may not be null"}
    ]
