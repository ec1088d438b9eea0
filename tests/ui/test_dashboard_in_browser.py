"""The dashboard in real headless Chromium: what the API does shows up live, and what is
clicked goes through the admin API and shows on the page and in the API alike. Screenshots
of each step are kept in artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.fiserv.conftest import BASE as FISERV_BASE
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV_CREDENTIALS
from tests.providers.fiserv.conftest import card as fiserv_card
from tests.providers.fiserv.test_three_d_secure import AUTH, CHALLENGE_ANY
from tests.providers.tranzzo.conftest import VISA, card, tranzzo

__all__ = ["tranzzo"]
pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


async def opened(browser: Browser, url: str) -> Page:
    page = await browser.new_page(viewport={"width": 1360, "height": 900})
    await page.goto(url)
    await expect(page.locator("#live")).to_have_class("live on")  # the feed is connected
    return page


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def test_a_purchase_made_over_the_api_shows_up_live(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient
) -> None:
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/?tenant={sandbox.tenant}")
    await expect(page.locator("#payments tbody")).to_contain_text("No payments")
    paid = await tranzzo.purchase("live-1", "12.50", "UAH", card=VISA)
    row = page.locator(f"#row-{paid['payment_id']}")
    await expect(row).to_contain_text("live-1")
    await expect(row).to_contain_text("captured")
    await expect(row).to_contain_text("12.50 UAH")
    await expect(page.locator("#tenants")).to_contain_text(sandbox.tenant)
    await shot(page, "overview-live-purchase")


async def test_a_refund_decline_queued_by_clicking_declines_the_next_refund(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("refund-1", 100, "UAH", card=VISA)
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/tenants/{sandbox.tenant}")
    form = page.locator("#outcome-form")
    await form.locator("select[name=operation]").select_option("refund")
    await form.locator("select[name=outcome]").select_option("declined")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#outcomes")).to_contain_text("refund → declined")
    queued = (await admin.call("GET", "/outcomes"))["entries"]
    assert [(e["operation"], e["outcome"]) for e in queued] == [("refund", "declined")]
    refund = await tranzzo.refund("refund-1", "UAH", 40)
    assert refund["status"] == "failure"
    await page.goto(f"{sandbox.url}/_sandbox/ui/payments/{paid['payment_id']}")
    await expect(page.locator("#operations")).to_contain_text("refund")
    await expect(page.locator("#operations .o-declined")).to_have_text("declined")
    await expect(page.locator("#timeline")).to_contain_text("refund declined")
    await expect(page.locator("#requests")).to_contain_text("POST /tranzzo/api/v1/refund")
    await expect(page.locator("#refunded")).to_have_text("0.00 UAH")
    await shot(page, "payment-refund-declined")
    view = await admin.payment(paid["payment_id"])
    assert [(op["kind"], op["status"]) for op in view["operations"]] == [
        ("sale", "succeeded"),
        ("refund", "declined"),
    ]


async def test_a_clock_advanced_by_clicking_completes_a_pending_payment(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("late-1", 10, "UAH", card=card("4000000000000259"))
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/tenants/{sandbox.tenant}")
    row = page.locator(f"#row-{paid['payment_id']}")
    await expect(row).to_contain_text("pending")
    await page.fill("#clock-form input[name=advance_seconds]", "5")
    await page.click("#clock-form button[type=submit]")
    await expect(page.locator("#tenant-offset")).to_have_text("5 s ahead of real time")
    await expect(row).to_contain_text("captured")
    await shot(page, "tenant-clock-advanced")
    assert (await admin.clock())["offset_seconds"] == 5
    assert (await admin.payment(paid["payment_id"]))["status"] == "captured"


async def test_a_webhook_replayed_by_clicking_is_sent_again_and_shown(
    browser: Browser,
    sandbox: Sandbox,
    tranzzo: AsyncTranzzoClient,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    paid = await tranzzo.purchase(
        "hook-1", 10, "UAH", card=VISA, server_url=webhook_sink.url_for("hooks")
    )
    await webhook_sink.received(1)
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/payments/{paid['payment_id']}")
    first = page.locator("article.hook").first
    await expect(first).to_contain_text("delivered")
    await first.locator("button.replay").click()
    await expect(page.locator("article.hook")).to_have_count(2)
    await expect(page.locator("article.hook .chip").first).to_contain_text("copy of")
    await expect(page.locator("article.hook[data-state=delivered]")).to_have_count(2)
    await shot(page, "payment-webhook-replayed")
    await webhook_sink.received(2)
    hooks = await admin.webhooks(payment_id=paid["payment_id"])
    assert sorted(h["copy_of"] is not None for h in hooks) == [False, True]


async def test_a_challenge_answered_by_clicking_ends_the_payment(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("3ds-1", 10, "UAH", card=card("4000000000003220"))
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/payments/{paid['payment_id']}")
    await expect(page.locator("#challenge")).to_be_visible()
    await page.click("#challenge button.abandon")
    await expect(page.locator("#status")).to_have_text("declined")
    await expect(page.locator("#challenge")).to_have_count(0)
    assert (await admin.payment(paid["payment_id"]))["status"] == "declined"


async def test_a_challenge_offers_the_providers_own_choices_and_takes_them(
    browser: Browser, sandbox: Sandbox, admin: AsyncSandboxAdmin
) -> None:
    """Fiserv's configurable cards let the tester pick the authentication result (Y A U N R)."""
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + FISERV_BASE, FISERV_CREDENTIALS, headers=sandbox.headers
    ) as fiserv:
        sale = await fiserv.sale(
            "10.00", "EUR", card=fiserv_card(CHALLENGE_ANY), authentication=AUTH
        )
        [payment] = await admin.payments(reference=sale["orderId"])
        page = await opened(browser, f"{sandbox.url}/_sandbox/ui/payments/{payment['id']}")
        buttons = page.locator("#challenge button")
        await expect(buttons).to_have_text(
            [
                "Authenticated (Y)",
                "Attempted (A)",
                "Unavailable (U)",
                "Not authenticated (N)",
                "Rejected (R)",
                "Abandon",
            ]
        )
        await buttons.filter(has_text="Unavailable (U)").click()
        await expect(page.locator("#challenge")).to_have_count(0)
        done = await fiserv.challenge_done(sale["ipgTransactionId"], "any-cres")
    assert done["secure3dResponse"] == {"responseCode3dSecure": "6"}


async def test_a_dispute_shows_up_live_on_the_payment_page(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("disputed-1", 100, "UAH", card=VISA)
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/payments/{paid['payment_id']}")
    await expect(page.locator("#disputed")).to_have_count(0)
    await admin.dispute(paid["payment_id"], "inquiry", amount=4000, reason="13.1")
    await admin.dispute(paid["payment_id"], "chargeback")
    await expect(page.locator("#disputed")).to_have_text("40.00 UAH")
    await expect(page.locator("#timeline")).to_contain_text("dispute inquiry 40.00 UAH")
    await expect(page.locator("#timeline")).to_contain_text("dispute inquiry → chargeback")
    await shot(page, "payment-charged-back")


async def test_payments_are_filtered_and_card_numbers_never_shown(
    browser: Browser, sandbox: Sandbox, tranzzo: AsyncTranzzoClient
) -> None:
    await tranzzo.purchase("good-1", 10, "UAH", card=VISA)
    await tranzzo.purchase("bad-1", 10, "UAH", card=card("4000000000000002"))
    page = await opened(browser, f"{sandbox.url}/_sandbox/ui/tenants/{sandbox.tenant}")
    await page.select_option("#filters select[name=status]", "declined")
    await page.click("#filters button[type=submit]")
    await expect(page.locator("#payments tbody tr")).to_have_count(1)
    await expect(page.locator("#payments tbody")).to_contain_text("bad-1")
    await page.click("#payments a.ref")
    await page.click("#requests summary")
    html = await page.content()
    assert "4000000000000002" not in html and VISA.number not in html
    await expect(page.locator("#requests pre").first).to_contain_text("400000******0002")
