"""The virtual terminal, clicked through in real headless Chromium: approve, decline, PIN,
abort — the page the admin API hands out for each registered transaction."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import Charge, payment_of

pytestmark = pytest.mark.browser


async def terminal_of(admin: AsyncSandboxAdmin, transaction: str) -> str:
    """The terminal URL the admin API shows for a registered transaction."""
    payment = await admin.payment((await payment_of(admin, transaction))["id"])
    [op] = [op for op in payment["operations"] if op["id"] == transaction]
    return str(op["details"]["terminal_url"])


async def open_terminal(
    browser: Browser, admin: AsyncSandboxAdmin, charge: Charge, amount: str
) -> tuple[Page, str]:
    session = await charge(amount, subject="Flat white")
    transaction = session["transaction"]["identifier"]
    page = await browser.new_page()
    await page.goto(await terminal_of(admin, transaction))
    return page, transaction


async def press(page: Page, button: str) -> None:
    async with page.expect_navigation():
        await page.click(button)


async def test_inserting_the_test_card_approves_and_shows_the_final_status(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, transaction = await open_terminal(browser, admin, charge, "10.00")
    assert await page.text_content("#title") == "payworks terminal"
    assert await page.text_content("#amount") == "10.00 EUR"
    assert await page.text_content("#currency") == "EUR"
    assert await page.text_content("#subject") == "Flat white"
    assert await page.text_content("#status") == "INITIALIZED"
    await press(page, "#insert")
    assert await page.text_content("#status") == "APPROVED"
    assert await page.text_content("#card") == "541333******0086"
    assert await page.query_selector("#insert") is None
    found = await payworks.transaction(transaction)
    assert (found["status"], found["paymentDetails"]["customerVerification"]) == (
        "APPROVED",
        "SIGNATURE",
    )


async def test_a_declining_amount_shows_declined(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, transaction = await open_terminal(browser, admin, charge, "100.00")
    await press(page, "#insert")
    assert await page.text_content("#status") == "DECLINED"
    found = await payworks.transaction(transaction)
    assert found["statusDetails"]["code"] == "DECLINED_CARD_OR_TERMINAL_DECLINED"


async def test_the_pin_is_asked_counted_and_then_accepted(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, transaction = await open_terminal(browser, admin, charge, "40.00")
    await press(page, "#tap")
    assert await page.text_content("#status") == "PENDING"
    assert await page.text_content("#prompt") == "Enter the PIN."
    await press(page, "#enter")  # no PIN typed
    assert await page.text_content("#error") == "a PIN is 4 to 12 digits"
    await page.fill("#pin", "1234")
    await press(page, "#enter")
    assert await page.text_content("#status") == "APPROVED"
    found = await payworks.transaction(transaction)
    assert (found["paymentDetails"]["source"], found["paymentDetails"]["customerVerification"]) == (
        "NFC_USING_EMV",
        "PIN",
    )
    view = await admin.payment((await payment_of(admin, transaction))["id"])
    typed = [r for r in view["requests"] if r["source"] == "page" and "action=pin" in r["request"]]
    assert typed and all("1234" not in r["request"] for r in typed)  # journaled, PIN masked


async def test_a_wrong_offline_pin_is_counted_down_to_a_decline(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, transaction = await open_terminal(browser, admin, charge, "21.00")
    await press(page, "#insert")
    for left in ("2 tries", "1 try"):
        await page.fill("#pin", "1234")
        await press(page, "#enter")
        assert await page.text_content("#prompt") == f"Wrong PIN. {left} left."
    await page.fill("#pin", "1234")
    await press(page, "#enter")
    assert await page.text_content("#status") == "DECLINED"
    found = await payworks.transaction(transaction)
    assert found["statusDetails"]["code"] == "DECLINED_PIN_WRONG_TOO_OFTEN"


async def test_aborting_before_and_removing_the_card_during_the_pin(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, aborted = await open_terminal(browser, admin, charge, "10.00")
    await press(page, "#abort")
    assert await page.text_content("#status") == "ABORTED"
    page, removed = await open_terminal(browser, admin, charge, "20.00")
    await press(page, "#insert")
    await press(page, "#remove")
    assert await page.text_content("#status") == "ABORTED"
    codes = [(await payworks.transaction(t))["statusDetails"]["code"] for t in (aborted, removed)]
    assert codes == ["ABORTED_MERCHANT_ABORTED", "ABORTED_SHOPPER_REMOVED_CARD"]


async def test_a_lapsed_session_cannot_be_executed_and_an_unknown_one_is_not_found(
    browser: Browser, admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    page, transaction = await open_terminal(browser, admin, charge, "10.00")
    await admin.advance_clock(900)
    await page.click("#insert")
    await page.wait_for_selector("#error:has-text('finished')")
    assert await page.text_content("#status") == "DECLINED"
    assert (await payworks.transaction(transaction))["status"] == "DECLINED"
    unknown = (await terminal_of(admin, transaction)).rpartition(".")[0] + ".no-such-operation"
    answer = await page.goto(unknown)
    assert answer is not None and answer.status == 404
    assert await page.text_content("#title") == "Not found"
