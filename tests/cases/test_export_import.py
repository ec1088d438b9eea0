"""A tenant's state exported as one case document and imported into a tenant again: exactly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoCredentials, decode_webhook
from psp_sandbox.simulator.testing import SandboxServer
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

from .conftest import fill_tenant


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxServer]:
    stores = {"memory": lambda: "memory://", "sqlite": lambda: f"sqlite:///{tmp_path}/cases.db"}
    stores["postgresql"] = lambda: request.getfixturevalue("postgres_url")
    with SandboxServer(store=stores[request.param](), seed=3) as running:
        yield running


def tenant_of(request: pytest.FixtureRequest) -> str:
    """A tenant of the test's own on a server the backend's tests share."""
    return request.node.name.replace("[", "-").rstrip("]")[-56:]


def renamed(case: str, old: str, new: str) -> str:
    return case.replace(f'"tenant": "{old}"', f'"tenant": "{new}"')


async def test_export_then_import_then_export_is_byte_identical_but_for_the_tenant(
    server: SandboxServer, webhook_sink: WebhookSink
) -> None:
    await fill_tenant(server.url, "qa-original", webhook_sink)
    async with AsyncSandboxAdmin(server.url, "qa-original") as original:
        case = await original.export_case()
        await original.reset()
    async with AsyncSandboxAdmin(server.url, "qa-copy") as copy:
        answer = await copy.import_case(case)
        again = await copy.export_case()
    assert again == renamed(case, "qa-original", "qa-copy")
    assert answer["payments"] == 4
    assert answer["from_tenant"] == "qa-original"
    document = json.loads(case)
    assert (document["format"], document["version"]) == ("psp-sandbox/case", 1)
    assert document["clock"]["offset_ms"] == 2000
    kinds = {d["kind"] for d in document["documents"]}
    assert {"outcomes", "faults", "token:macropay", "recurrence:macropay"} <= kinds
    assert {d["state"] for d in document["deliveries"]} == {"pending", "delivered"}
    assert all(p["requests"] for p in document["payments"])
    disputes = [d for p in document["payments"] for d in p["payment"]["disputes"]]
    assert [(d["stage"], d["amount"], d["reason"]) for d in disputes] == [
        ("chargeback", 4000, "13.1")
    ]


async def test_an_imported_case_goes_on_living_in_its_new_tenant(
    server: SandboxServer, request: pytest.FixtureRequest, webhook_sink: WebhookSink
) -> None:
    original = tenant_of(request)
    copy = original + "-copy"
    ids = await fill_tenant(server.url, original, webhook_sink)
    async with AsyncSandboxAdmin(server.url, original) as admin:
        case = await admin.export_case()
        await admin.reset()
    async with (
        AsyncSandboxAdmin(server.url, copy) as admin,
        AsyncTranzzoClient(
            f"{server.url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": copy}
        ) as tranzzo,
    ):
        await admin.import_case(case)
        assert (await admin.clock())["offset_seconds"] == 2
        # The queued refund decline came along; the refund limit did too.
        refund = await tranzzo.refund("held", "UAH", 10)
        assert refund["status"] == "failure"
        # The chargeback came along, on the payment it disputes.
        charged_back = await admin.payment(ids["paid"])
        assert (charged_back["disputed"], charged_back["disputes"][0]["stage"]) == (
            4000,
            "chargeback",
        )
        # The pending payment completes on the copy's clock; the delayed webhook goes out.
        await admin.advance_clock(3600)
        assert (await admin.payment(ids["pending"]))["status"] == "captured"
        [delayed] = await admin.webhooks(payment_id=ids["paid"])
        assert [a["status"] for a in delayed["attempts"]] == [200]
        paid = [
            d
            for d in webhook_sink.deliveries
            if d.path == "/tranzzo"
            and decode_webhook(d.form, CREDENTIALS.api_secret)["payment_id"] == ids["paid"]
        ]
        assert len(paid) == 1


async def test_a_malformed_or_newer_case_is_refused_and_changes_nothing(
    admin: AsyncSandboxAdmin, sandbox: Sandbox, webhook_sink: WebhookSink
) -> None:
    await fill_tenant(sandbox.url, sandbox.tenant, webhook_sink)
    before = await admin.export_case()
    document = json.loads(before)
    broken = {**document, "payments": [{"payment": {"id": "x"}}]}
    newer = {**document, "version": 2}
    alien = {"hello": "world"}
    refusals = []
    for bad in (broken, newer, alien):
        with pytest.raises(SandboxApiError) as refused:
            await admin.import_case(json.dumps(bad))
        refusals.append((refused.value.status, refused.value.code, refused.value.message))
    with pytest.raises(SandboxApiError) as not_json:
        await admin.import_case(b"{not json")
    assert refusals[0][:2] == (400, "invalid_case")
    assert refusals[0][2].startswith("payments.0.payment.")
    assert refusals[1] == (
        400,
        "unsupported_version",
        "this case is version 2; this psp-sandbox reads up to version 1 — upgrade psp-sandbox "
        "to import it",
    )
    assert refusals[2][:2] == (400, "invalid_case")
    assert '"format" must be "psp-sandbox/case"' in refusals[2][2]
    assert (not_json.value.status, not_json.value.code) == (400, "invalid_case")
    assert await admin.export_case() == before


async def test_a_case_whose_ids_another_tenant_holds_is_refused_and_changes_nothing(
    server: SandboxServer, request: pytest.FixtureRequest, webhook_sink: WebhookSink
) -> None:
    tenant = tenant_of(request)
    await fill_tenant(server.url, tenant, webhook_sink)
    async with AsyncSandboxAdmin(server.url, tenant) as original:
        case = await original.export_case()
    async with AsyncSandboxAdmin(server.url, tenant + "-b") as other:
        await other.advance_clock(7)
        before = await other.export_case()
        with pytest.raises(SandboxApiError) as refused:
            await other.import_case(case)
        assert (refused.value.status, refused.value.code) == (409, "ids_in_use")
        assert f"(tenant {tenant})" in refused.value.message
        assert await other.export_case() == before


async def test_secrets_are_masked_unless_asked_for_and_restored_only_when_given(
    tmp_path: Path,
) -> None:
    """A key used without X-Sandbox-Tenant is provisioned into a tenant named by the key."""
    key = "11111111-2222-4333-8444-555555555555"
    secret = "a-provisioned-secret-31-chars!!"
    mine = TranzzoCredentials(CREDENTIALS.pos_id, key, secret, "AIzaX")
    with SandboxServer(seed=1) as first:
        async with AsyncTranzzoClient(f"{first.url}/tranzzo", mine) as tranzzo:
            await tranzzo.purchase("o-1", 1, "UAH", card=VISA)
        async with AsyncSandboxAdmin(first.url, key) as admin:
            masked = json.loads(await admin.export_case())
            whole = await admin.export_case(with_secrets=True)
    [hidden] = masked["credentials"]
    assert (hidden["key"], hidden["secret"], hidden["secret_masked"]) == (
        key,
        "*" * 27 + "rs!!",
        True,
    )
    assert "a-provisioned-secret" not in json.dumps(masked)
    with SandboxServer(seed=1) as second:  # another sandbox: the key is unknown there
        async with AsyncSandboxAdmin(second.url, key) as admin:
            restored = await admin.import_case(whole)
            assert (restored["credentials"], restored["credentials_skipped"]) == (1, 0)
            assert await admin.export_case(with_secrets=True) == whole
        async with AsyncTranzzoClient(f"{second.url}/tranzzo", mine) as tranzzo:
            assert (await tranzzo.order_status("o-1"))[0]["status"] == "success"
