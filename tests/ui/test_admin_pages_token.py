"""With an admin token set, the admin's pages (dashboard, API explorer) open only for whoever
gives it: a browser signs in with HTTP Basic (the token as password), a script sends it as a
bearer token; everyone else gets 401 and none of the sandbox's data."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest
from playwright.async_api import Browser, expect
from playwright.async_api import Error as PlaywrightError

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import TranzzoClient
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

TOKEN = "admin-token-of-the-page-tests-01"
TENANT = "t-pages"
REFERENCE = "pages-order-1"


@pytest.fixture(scope="module")
def guarded() -> Iterator[tuple[SandboxServer, str]]:
    with SandboxServer(admin_token=TOKEN) as server:
        with TranzzoClient(
            f"{server.url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": TENANT}
        ) as tranzzo:
            paid = tranzzo.purchase(REFERENCE, 1, "UAH", card=VISA)
        yield server, str(paid["payment_id"])


def basic(password: str) -> str:
    return "Basic " + base64.b64encode(f"anyone:{password}".encode()).decode()


def pages(payment: str) -> list[str]:
    return [
        "/_sandbox/ui/",
        f"/_sandbox/ui/?tenant={TENANT}",
        f"/_sandbox/ui/tenants/{TENANT}",
        f"/_sandbox/ui/payments/{payment}",
        "/_sandbox/explorer",
        "/_sandbox/explorer/?doc=admin",
    ]


@pytest.mark.parametrize(
    "authorization", [None, basic(TOKEN + "x"), f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}"]
)
def test_without_the_token_every_admin_page_is_401_and_shows_nothing(
    guarded: tuple[SandboxServer, str], authorization: str | None
) -> None:
    server, payment = guarded
    headers = {"Authorization": authorization} if authorization else {}
    for path in pages(payment):
        answer = httpx.get(server.url + path, headers=headers)
        assert answer.status_code == 401, path
        assert answer.headers["WWW-Authenticate"].startswith('Basic realm="psp-sandbox admin'), path
        assert REFERENCE not in answer.text and TENANT not in answer.text, path


@pytest.mark.parametrize("authorization", [basic(TOKEN), f"Bearer {TOKEN}"])
def test_with_the_token_every_admin_page_opens(
    guarded: tuple[SandboxServer, str], authorization: str
) -> None:
    server, payment = guarded
    for path in pages(payment):
        answer = httpx.get(server.url + path, headers={"Authorization": authorization})
        assert answer.status_code == 200, path
    overview = httpx.get(f"{server.url}/_sandbox/ui/", headers={"Authorization": authorization})
    assert REFERENCE in overview.text


def test_static_files_and_the_cardholders_pages_need_no_token(
    guarded: tuple[SandboxServer, str],
) -> None:
    server, _payment = guarded
    for path in ("/_sandbox/ui/static/dashboard.js", "/_sandbox/explorer/assets/swagger-ui.css"):
        assert httpx.get(server.url + path).status_code == 200, path


async def test_the_admin_api_takes_the_browsers_basic_sign_in_too(
    guarded: tuple[SandboxServer, str],
) -> None:
    server, payment = guarded
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{server.url}/_sandbox/payments/{payment}", headers={"Authorization": basic(TOKEN)}
        )
    assert (answer.status_code, answer.json()["reference"]) == (200, REFERENCE)


@pytest.mark.browser
async def test_a_browser_signed_in_with_the_token_uses_the_dashboard_live(
    browser: Browser, guarded: tuple[SandboxServer, str]
) -> None:
    server, _payment = guarded
    # A browser without the token (its sign-in dismissed) does not get the page.
    refused = await browser.new_page()
    with pytest.raises(PlaywrightError, match="ERR_INVALID_AUTH_CREDENTIALS"):
        await refused.goto(f"{server.url}/_sandbox/ui/tenants/{TENANT}")
    await refused.close()
    context = await browser.new_context(
        http_credentials={"username": "qa", "password": TOKEN},
        viewport={"width": 1360, "height": 900},
    )
    try:
        page = await context.new_page()
        answer = await page.goto(f"{server.url}/_sandbox/ui/tenants/{TENANT}")
        assert answer is not None and answer.status == 200
        await expect(page.locator("#live")).to_have_class("live on")  # the feed, an admin call
        form = page.locator("#outcome-form")
        await form.locator("select[name=operation]").select_option("refund")
        await form.locator("select[name=outcome]").select_option("declined")
        await form.locator("button[type=submit]").click()
        await expect(page.locator("#outcomes")).to_contain_text("refund → declined")
    finally:
        await context.close()
    async with AsyncSandboxAdmin(server.url, TENANT, token=TOKEN) as admin:
        queued = (await admin.call("GET", "/outcomes"))["entries"]
    assert [(q["operation"], q["outcome"]) for q in queued] == [("refund", "declined")]
