"""The API explorer in real Chromium: every OpenAPI document renders from local assets only,
and a request tried from the page reaches the sandbox."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, Page, Request

from psp_sandbox.simulator.testing.plugin import Sandbox

pytestmark = pytest.mark.browser


async def opened(browser: Browser, url: str, origin: str) -> tuple[Page, list[str]]:
    """A page at ``url``, and the list (growing) of every request it made elsewhere."""
    page = await browser.new_page()
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith((origin, "data:")):
            elsewhere.append(request.url)

    page.on("request", note)
    await page.goto(url)
    return page, elsewhere


async def title_of(url: str) -> str:
    async with httpx.AsyncClient() as http:
        return str((await http.get(url)).json()["info"]["title"])


async def test_every_document_renders_in_the_explorer_without_leaving_the_sandbox(
    browser: Browser, sandbox: Sandbox
) -> None:
    async with httpx.AsyncClient() as http:
        documents = (await http.get(sandbox.url)).json()["documents"]
    for name, url in documents.items():
        title = await title_of(url)
        page, elsewhere = await opened(
            browser, f"{sandbox.url}/_sandbox/explorer?doc={name}", sandbox.url
        )
        heading = page.locator(".information-container h2.title")
        await heading.wait_for()
        assert (await heading.inner_text()).startswith(title), name
        assert await page.locator(".opblock").count() > 0, name
        assert await page.locator(".errors-wrapper").count() == 0, name
        assert elsewhere == [], name
        await page.close()


async def test_the_front_door_leads_a_browser_to_a_provider_in_the_explorer(
    browser: Browser, sandbox: Sandbox
) -> None:
    page, elsewhere = await opened(browser, f"{sandbox.url}/_sandbox", sandbox.url)
    assert await page.title() == "psp-sandbox · psp-sandbox"
    await page.click("#provider-macropay a.explorer")
    heading = page.locator(".information-container h2.title")
    await heading.wait_for()
    title = await title_of(f"{sandbox.url}/macropay/openapi.json")
    assert (await heading.inner_text()).startswith(title)
    assert elsewhere == []


async def test_a_request_tried_in_the_explorer_reaches_the_sandbox(
    browser: Browser, sandbox: Sandbox
) -> None:
    page, _ = await opened(browser, f"{sandbox.url}/_sandbox/explorer?doc=admin", sandbox.url)
    health = page.locator('.opblock:has(.opblock-summary-path[data-path="/health"])')
    await health.locator(".opblock-summary").click()
    # The explorer opens every operation ready to try: Execute at once.
    await health.locator("button.execute").click()
    status = health.locator(".live-responses-table tbody .response-col_status").first
    await status.wait_for()
    assert (await status.inner_text()).strip() == "200"
    body = await health.locator(".live-responses-table .microlight").first.inner_text()
    assert '"status": "ok"' in body
