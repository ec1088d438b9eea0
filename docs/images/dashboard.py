"""Takes docs/images/dashboard.png, the README's picture of the dashboard: a sandbox with
payments of every provider in two tenants, photographed in headless Chromium.

Run from the repository's top: ``make screenshots``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from psp_sandbox.client.fiserv import AsyncFiservClient  # noqa: E402
from psp_sandbox.client.macropay import AsyncMacropayClient  # noqa: E402
from psp_sandbox.client.paymentz import AsyncPaymentzClient  # noqa: E402
from psp_sandbox.client.payworks import AsyncPayworksClient  # noqa: E402
from psp_sandbox.client.sandbox import AsyncSandboxAdmin  # noqa: E402
from psp_sandbox.client.tranzzo import AsyncTranzzoClient  # noqa: E402
from psp_sandbox.simulator.testing.server import SandboxServer  # noqa: E402
from tests.browser import CHROMIUM, FLAGS  # noqa: E402
from tests.providers.fiserv import conftest as fiserv  # noqa: E402
from tests.providers.macropay import conftest as macropay  # noqa: E402
from tests.providers.paymentz import conftest as paymentz  # noqa: E402
from tests.providers.payworks import conftest as payworks  # noqa: E402
from tests.providers.tranzzo import conftest as tranzzo  # noqa: E402

OUT = Path(__file__).with_name("dashboard.png")


async def shop_checkout(url: str) -> None:
    """A shop's day: purchases, a partial refund, a decline, card-present sales, a dispute."""
    tenant = {"X-Sandbox-Tenant": "shop-checkout"}
    async with (
        AsyncTranzzoClient(f"{url}/tranzzo", tranzzo.CREDENTIALS, headers=tenant) as tz,
        AsyncFiservClient(f"{url}/fiserv{fiserv.BASE}", fiserv.CREDENTIALS, headers=tenant) as fs,
        AsyncMacropayClient(f"{url}/macropay/v2", macropay.API_KEY, headers=tenant) as mp,
        AsyncPaymentzClient(f"{url}/paymentz", paymentz.CREDENTIALS, headers=tenant) as pz,
        AsyncPayworksClient(f"{url}/payworks", payworks.CREDENTIALS, headers=tenant) as pw,
        AsyncSandboxAdmin(url, "shop-checkout") as admin,
    ):
        card = tranzzo.VISA
        await tz.purchase("order-1001", "249.00", "UAH", card=card)
        await tz.auth("order-1002", "1200.00", "UAH", card=card)
        await tz.capture("order-1002", "UAH", "800.00")
        await tz.refund("order-1002", "UAH", "150.00")
        await admin.queue_outcome("declined", count=1)
        await tz.purchase("order-1003", "99.00", "UAH", card=card)
        await fs.sale("42.00", "EUR", card=fiserv.VISA)
        await fs.preauth("310.00", "EUR", card=fiserv.VISA)
        order = await mp.create_order(12.5, "EUR")
        await mp.pay_with_card(order["orderId"], macropay.VISA)
        paid = await pz.debit("pz-5001", "75.00", "EUR", paymentz.VISA)
        await pz.refund(paid["paymentId"], "25.00")
        session = await pw.register_charge(payworks.MERCHANT, "40.00", "EUR")
        reference = session["transaction"]["identifier"]
        [terminal] = await admin.payments(provider="payworks", reference=reference)
        await admin.execute(terminal["id"], contactless=True, pin="1234")
        [disputed] = await admin.payments(provider="tranzzo", reference="order-1001")
        await admin.dispute(disputed["id"], "chargeback", reason="fraud")


async def qa_regression(url: str) -> None:
    """A QA tenant whose clock runs an hour ahead."""
    tenant = {"X-Sandbox-Tenant": "qa-regression"}
    async with (
        AsyncTranzzoClient(f"{url}/tranzzo", tranzzo.CREDENTIALS, headers=tenant) as tz,
        AsyncSandboxAdmin(url, "qa-regression") as admin,
    ):
        await admin.queue_outcome("insufficient_funds", count=1)
        await tz.purchase("case-17", "10.00", "UAH", card=tranzzo.VISA)
        await admin.advance_clock(3600)


async def main() -> None:
    with SandboxServer(store="memory://", seed=7) as server:
        await shop_checkout(server.url)
        await qa_regression(server.url)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = await browser.new_page(viewport={"width": 1360, "height": 900})
            await page.goto(f"{server.url}/_sandbox/ui/")
            await page.locator("#live.on").wait_for()
            await page.screenshot(path=str(OUT), full_page=True)
            await browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
