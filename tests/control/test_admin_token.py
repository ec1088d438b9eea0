"""The admin token: with one configured, /_sandbox answers only its bearer (public calls aside),
and "reset everything" is only ever an explicit request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.control.access import REALM
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

TOKEN = "admin-token-of-these-tests-0001"


@pytest.fixture(scope="module")
def guarded() -> Iterator[SandboxServer]:
    with SandboxServer(admin_token=TOKEN) as server:
        yield server


@pytest.fixture
def own() -> Iterator[SandboxServer]:
    """A sandbox of the test's own, for resets of every tenant (the session's sandbox serves
    other tests' tenants)."""
    with SandboxServer() as server:
        yield server


async def call(
    url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any, CIMultiDictProxy[str]]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{url}/_sandbox{path}", json=body, headers=headers) as answer,
    ):
        return answer.status, await answer.json(content_type=None), answer.headers


async def pay(url: str, tenant: str, order: str) -> str:
    async with AsyncTranzzoClient(
        f"{url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": tenant}
    ) as tranzzo:
        return str((await tranzzo.purchase(order, 1, "UAH", card=VISA))["payment_id"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/payments", None),
        ("GET", "/webhooks?tenant=t-1", None),
        ("POST", "/clock?tenant=t-1", {"advance_seconds": 60}),
        ("POST", "/outcomes?tenant=t-1", {"outcome": "declined"}),
        ("POST", "/faults?tenant=t-1", {"kind": "drop"}),
        ("POST", "/reset", {"all": True}),
    ],
)
async def test_every_admin_call_without_the_token_is_401(
    guarded: SandboxServer, method: str, path: str, body: Any
) -> None:
    status, answer, headers = await call(guarded.url, method, path, body)
    assert status == 401
    assert answer == {
        "error": {
            "code": "admin_token_required",
            "message": "this sandbox's admin API needs its admin token: "
            "send Authorization: Bearer <token>",
        }
    }
    assert headers.getall("WWW-Authenticate") == [
        f'Bearer realm="{REALM}"',
        f'Basic realm="{REALM}", charset="UTF-8"',
    ]


@pytest.mark.parametrize(
    ("case", "authorization"),
    list(
        enumerate([f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer "])
    ),
)
async def test_a_wrong_token_is_401_and_changes_nothing(
    guarded: SandboxServer, case: int, authorization: str
) -> None:
    paid = await pay(guarded.url, f"t-wrong-token-{case}", "o-1")
    status, answer, _ = await call(
        guarded.url, "POST", "/reset", {"all": True}, {"Authorization": authorization}
    )
    assert status == 401
    assert answer["error"]["code"] in ("admin_token_required", "invalid_admin_token")
    async with AsyncSandboxAdmin(guarded.url, token=TOKEN) as admin:
        assert (await admin.payment(paid))["status"] == "captured"


async def test_the_bearer_of_the_token_drives_the_sandbox(guarded: SandboxServer) -> None:
    paid = await pay(guarded.url, "t-bearer", "o-1")
    async with AsyncSandboxAdmin(guarded.url, "t-bearer", token=TOKEN) as admin:
        assert [p["id"] for p in await admin.payments()] == [paid]
        assert (await admin.advance_clock(60))["offset_seconds"] == 60
        assert (await admin.reset())["reset"] == "t-bearer"
        assert await admin.payments() == []


@pytest.mark.parametrize("path", ["/health", "/openapi.json", "/providers", "/magic"])
async def test_public_facts_need_no_token(guarded: SandboxServer, path: str) -> None:
    status, _, _ = await call(guarded.url, "GET", path)
    assert status == 200


async def test_the_document_says_which_calls_take_the_token(guarded: SandboxServer) -> None:
    _, document, _ = await call(guarded.url, "GET", "/openapi.json")
    assert document["components"]["securitySchemes"]["AdminToken"]["scheme"] == "bearer"
    assert document["security"] == [{"AdminToken": []}, {}]
    assert document["paths"]["/health"]["get"]["security"] == []
    assert "security" not in document["paths"]["/payments"]["get"]


async def test_without_a_token_configured_open_mode_needs_none(admin: AsyncSandboxAdmin) -> None:
    assert await admin.payments() == []


# --- reset -----------------------------------------------------------------------------------


async def test_a_reset_that_names_no_tenant_is_refused_and_forgets_nothing(
    sandbox: Sandbox,
) -> None:
    paid = await pay(sandbox.url, sandbox.tenant, "o-1")
    for body in (None, {}, {"tenant": None}, {"all": False}):
        status, answer, _ = await call(sandbox.url, "POST", "/reset", body)
        assert (status, answer["error"]["code"]) == (400, "tenant_required"), body
    async with AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as admin:
        assert (await admin.payment(paid))["status"] == "captured"


@pytest.mark.parametrize(
    ("path", "body"),
    [("/reset", {"all": True}), ("/reset?all=true", None), ("/reset?all=true", {})],
)
async def test_reset_everything_is_an_explicit_request(
    own: SandboxServer, path: str, body: Any
) -> None:
    paid = await pay(own.url, "t-1", "o-1")
    status, answer, _ = await call(own.url, "POST", path, body)
    assert (status, answer) == (200, {"reset": "all"})
    async with AsyncSandboxAdmin(own.url) as admin:
        with pytest.raises(SandboxApiError) as raised:
            await admin.payment(paid)
    assert raised.value.status == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/reset", {"all": True, "tenant": "t-1"}),
        ("/reset?tenant=t-1", {"all": True}),
        ("/reset?all=yes", None),
        ("/reset", {"all": "true"}),
        ("/reset", {"all": 1}),
    ],
)
async def test_an_ambiguous_reset_is_400(sandbox: Sandbox, path: str, body: Any) -> None:
    status, answer, _ = await call(sandbox.url, "POST", path, body)
    assert status == 400
    assert answer["error"]["code"] == "invalid_request"


async def test_the_client_resets_everything_only_when_told(own: SandboxServer) -> None:
    paid = await pay(own.url, "t-1", "o-1")
    async with AsyncSandboxAdmin(own.url) as anyone:
        with pytest.raises(SandboxApiError) as raised:
            await anyone.reset()
        assert (raised.value.status, raised.value.code) == (400, "tenant_required")
        assert (await anyone.payment(paid))["status"] == "captured"
        assert await anyone.reset(everything=True) == {"reset": "all"}


def test_a_contract_target_sends_its_admin_token(guarded: SandboxServer) -> None:
    target = Target(guarded.url, sandbox=True, provider_in_path=True, admin_token=TOKEN)
    admin = target.admin("t-contract")
    assert admin is not None
    with admin:
        assert admin.payments() == []
