"""The admin API under /_sandbox: its answers, its errors, and its OpenAPI document."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from openapi_schema_validator import OAS31Validator

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.control import document
from psp_sandbox.simulator.control.models import PaymentView
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA, card


@pytest.fixture
async def tranzzo(sandbox: Sandbox) -> Any:
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers
    ) as c:
        yield c


async def raw(
    sandbox: Sandbox,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{sandbox.url}/_sandbox{path}", data=body, headers=headers) as answer,
    ):
        return answer.status, await answer.json(content_type=None)


async def test_health_is_ok_and_names_the_providers(admin: AsyncSandboxAdmin) -> None:
    health = await admin.health()
    assert health["status"] == "ok"
    assert "tranzzo" in health["providers"]


async def test_a_payment_shows_operations_history_and_webhooks(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    paid = await tranzzo.auth("o-1", 100, "UAH", card=VISA, server_url="http://127.0.0.1:9/x")
    await tranzzo.capture("o-1", "UAH", 40)
    view = await admin.payment(paid["payment_id"])
    PaymentView.model_validate(view)
    assert [op["kind"] for op in view["operations"]] == ["auth", "capture"]
    assert [(h["old"], h["new"]) for h in view["history"]] == [
        (None, "created"),
        ("created", "authorized"),
        ("authorized", "captured"),
    ]
    assert len(view["webhooks"]) == 2
    assert view["details"]["pos_id"] == CREDENTIALS.pos_id


async def test_payments_are_listed_by_provider_and_reference(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    for order in ("a", "b", "c"):
        await tranzzo.purchase(order, 1, "UAH", card=VISA)
    assert [p["reference"] for p in await admin.payments(provider="tranzzo")] == ["c", "b", "a"]
    assert [p["reference"] for p in await admin.payments(reference="b")] == ["b"]
    assert len(await admin.payments(limit=2)) == 2


async def test_listings_come_a_capped_page_at_a_time_by_cursor(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    hook = webhook_sink.url_for()
    await asyncio.gather(
        *(tranzzo.purchase(f"o-{i}", 1, "UAH", card=VISA, server_url=hook) for i in range(25))
    )
    seen: list[str] = []
    cursor = None
    while True:
        page = await admin.payments_page(limit=10, cursor=cursor)
        seen.extend(p["reference"] for p in page["payments"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"o-{i}" for i in range(25))
    assert len(seen) == 25
    hooks = await admin.webhooks_page(limit=20)
    assert len(hooks["webhooks"]) == 20
    rest = await admin.webhooks_page(limit=20, cursor=hooks["next_cursor"])
    assert (len(rest["webhooks"]), rest["next_cursor"]) == (5, None)
    for query, code in (
        ({"limit": "1001"}, "invalid_request"),
        ({"limit": "0"}, "invalid_request"),
        ({"cursor": "not-ours"}, "invalid_request"),
    ):
        with pytest.raises(SandboxApiError) as refused:
            await admin.call("GET", "/payments", params=query)
        assert (refused.value.status, refused.value.code) == (400, code)


async def test_resetting_a_tenant_forgets_its_payments_only(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    await tranzzo.purchase("o-1", 1, "UAH", card=VISA)
    other = AsyncSandboxAdmin(sandbox.url, sandbox.tenant + "-b")
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"),
        CREDENTIALS,
        headers={"X-Sandbox-Tenant": sandbox.tenant + "-b"},
    ) as theirs:
        await theirs.purchase("o-1", 1, "UAH", card=VISA)
    assert (await admin.reset())["reset"] == sandbox.tenant
    assert await admin.payments() == []
    async with other:
        assert len(await other.payments()) == 1
        await other.reset()


async def test_an_unknown_payment_is_404_in_the_admin_envelope(admin: AsyncSandboxAdmin) -> None:
    with pytest.raises(SandboxApiError) as raised:
        await admin.payment("nope")
    assert (raised.value.status, raised.value.code) == (404, "payment_not_found")


async def test_the_clock_needs_a_tenant_and_only_moves_forward(sandbox: Sandbox) -> None:
    status, body = await raw(sandbox, "POST", "/clock", b'{"advance_seconds": 5}')
    assert (status, body["error"]["code"]) == (400, "tenant_required")
    status, body = await raw(sandbox, "POST", "/clock", b'{"advance_seconds": -1}', sandbox.headers)
    assert (status, body["error"]["code"]) == (400, "invalid_request")
    status, body = await raw(
        sandbox, "POST", "/clock?tenant=" + sandbox.tenant, b'{"advance_seconds": 90}'
    )
    assert (status, body["offset_seconds"]) == (200, 90)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"outcome": "challenge", "operation": "refund"}', "unsuitable_outcome"),
        (b'{"outcome": "pending_approved", "operation": "void"}', "unsuitable_outcome"),
        (b'{"outcome": "teleported"}', "invalid_request"),
        (b'{"outcome": "declined", "provider": "nowhere"}', "unknown_provider"),
        (b'{"operation": "payment"}', "invalid_request"),
        (b'{"outcome": "declined", "unexpected": 1}', "invalid_request"),
        (b"{not json", "invalid_request"),
    ],
)
async def test_unusable_outcome_requests_are_400(sandbox: Sandbox, body: bytes, code: str) -> None:
    status, answer = await raw(sandbox, "POST", "/outcomes", body, sandbox.headers)
    assert (status, answer["error"]["code"]) == (400, code)


async def test_queued_outcomes_and_faults_are_listed_and_cleared(admin: AsyncSandboxAdmin) -> None:
    await admin.queue_outcome("declined", count=3)
    await admin.inject_fault("error", provider="tranzzo", operation="refund", status=503)
    assert [e["remaining"] for e in (await admin.call("GET", "/outcomes"))["entries"]] == [3]
    assert [e["status"] for e in (await admin.call("GET", "/faults"))["entries"]] == [503]
    await admin.call("DELETE", "/outcomes")
    await admin.call("DELETE", "/faults")
    assert (await admin.call("GET", "/outcomes"))["entries"] == []
    assert (await admin.call("GET", "/faults"))["entries"] == []


async def test_an_error_fault_needs_a_status(admin: AsyncSandboxAdmin) -> None:
    with pytest.raises(SandboxApiError) as raised:
        await admin.inject_fault("error", provider="tranzzo")
    assert raised.value.status == 400


async def test_a_pending_operation_can_be_resolved_at_once(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=card("4000000000000259"))
    view = await admin.resolve(paid["payment_id"], "declined")
    assert view["status"] == "declined"
    with pytest.raises(SandboxApiError) as raised:
        await admin.resolve(paid["payment_id"], "approved")
    assert (raised.value.status, raised.value.code) == (409, "not_pending")
    with pytest.raises(SandboxApiError) as raised:
        await admin.complete_challenge(paid["payment_id"])
    assert (raised.value.status, raised.value.code) == (409, "no_challenge")


async def test_the_magic_catalog_lists_provider_cards_first(admin: AsyncSandboxAdmin) -> None:
    catalog = await admin.magic()
    numbers = [c["card_number"] for c in catalog["tranzzo"]]
    assert numbers[:2] == ["4242424242424242", "5454545454545454"]
    assert "4000000000009995" in numbers
    assert {c["source"] for c in catalog["tranzzo"]} == {"provider", "neutral"}


async def test_providers_list_their_operation_names(admin: AsyncSandboxAdmin) -> None:
    [tranzzo] = [p for p in await admin.providers() if p["name"] == "tranzzo"]
    assert {"payment", "capture", "void", "refund", "order_status"} <= set(tranzzo["operations"])
    assert tranzzo["sends_webhooks"] is True


async def test_unknown_admin_paths_and_methods_answer_in_the_admin_envelope(
    sandbox: Sandbox,
) -> None:
    status, body = await raw(sandbox, "GET", "/nothing-here")
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await raw(sandbox, "DELETE", "/health")
    assert (status, body["error"]["code"]) == (405, "method_not_allowed")


async def test_the_admin_openapi_document_is_served_and_valid(sandbox: Sandbox) -> None:
    status, served = await raw(sandbox, "GET", "/openapi.json")
    assert status == 200
    assert served == document()
    assert served["openapi"].startswith("3.1")
    for schema in served["components"]["schemas"].values():
        OAS31Validator.check_schema(schema)
    assert "/clock" in served["paths"]
    assert "/webhooks/{delivery_id}/replay" in served["paths"]


def test_the_admin_document_states_that_amounts_are_minor_units() -> None:
    schemas = document()["components"]["schemas"]
    amounts = [
        schemas[view]["properties"][name]
        for view, names in (
            ("PaymentView", ("amount", "authorized", "captured", "refunded")),
            ("OperationView", ("amount",)),
        )
        for name in names
    ]
    assert all(a["type"] == "integer" and a["format"] == "minor-units" for a in amounts)
    assert all("Minor units" in a["description"] for a in amounts)
