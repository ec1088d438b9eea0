"""A sandbox loads a provider on the first request that needs it: what only lists providers loads
none, the admin API loads those it needs, concurrent first requests build a provider's app once
and start it once, and a scenario runs against a sandbox whose providers were never requested.
The background warm-up, which would load them all soon after start, is off here."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from aiohttp import web

from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.providers.tranzzo import TranzzoPlugin
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.scenarios import run_scenario
from psp_sandbox.simulator.testing.server import SandboxServer

TRANZZO_PURCHASE = "/tranzzo/api/v1/payment"


def loaded(server: SandboxServer) -> list[str]:
    return server.context.plugins.loaded()


def test_health_front_door_explorer_and_tenant_page_load_no_provider(cold: SandboxServer) -> None:
    health = httpx.get(f"{cold.url}/_sandbox/health").json()
    assert health["providers"] == [p.name for p in PROVIDERS]
    front = httpx.get(f"{cold.url}/").json()
    assert front["providers"]["fiserv"]["base_urls"][0] == f"{cold.url}/fiserv/gateway/v2"
    explorer = httpx.get(f"{cold.url}/_sandbox/explorer")
    assert explorer.status_code == 200 and "/paymentz/openapi.json" in explorer.text
    tenant = httpx.get(f"{cold.url}/_sandbox/ui/tenants/someone")
    assert tenant.status_code == 200 and "<option>payworks</option>" in tenant.text
    assert loaded(cold) == []


def test_the_admin_api_loads_the_providers_it_needs(cold: SandboxServer) -> None:
    fault = httpx.post(
        f"{cold.url}/_sandbox/faults",
        json={"provider": "macropay", "operation": "no_such_operation", "kind": "error"},
        headers={"X-Sandbox-Tenant": "first-use"},
    )
    assert fault.status_code == 400 and "create_order" in fault.text  # its operations, listed
    assert loaded(cold) == ["macropay"]
    providers = httpx.get(f"{cold.url}/_sandbox/providers").json()
    assert [p["name"] for p in providers] == [p.name for p in PROVIDERS]
    assert all(p["operations"] for p in providers)
    magic = httpx.get(f"{cold.url}/_sandbox/magic").json()
    assert set(magic) == {p.name for p in PROVIDERS}
    assert sorted(loaded(cold)) == sorted(p.name for p in PROVIDERS)


def test_a_provider_answers_its_first_request_in_its_own_envelope(cold: SandboxServer) -> None:
    missing = httpx.get(f"{cold.url}/paymentz/transactionServices/REST/v1/nowhere")
    assert missing.status_code == 404
    assert loaded(cold) == ["paymentz"]
    document = httpx.get(f"{cold.url}/payworks/openapi.json")
    assert document.status_code == 200 and document.json()["openapi"].startswith("3.")
    assert loaded(cold) == ["paymentz", "payworks"]


def test_concurrent_first_requests_build_and_start_the_providers_app_once(
    no_warm_up: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: Counter[str] = Counter()
    create_app = TranzzoPlugin.create_app

    def counted(plugin: TranzzoPlugin) -> web.Application:
        events["create_app"] += 1
        app = create_app(plugin)

        async def started(_app: web.Application) -> None:
            events["on_startup"] += 1

        async def cleaned(_app: web.Application) -> None:
            events["on_cleanup"] += 1

        app.on_startup.append(started)
        app.on_cleanup.append(cleaned)
        return app

    monkeypatch.setattr(TranzzoPlugin, "create_app", counted)

    async def together(url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=url) as client:
            answers = await asyncio.gather(
                *(client.post(TRANZZO_PURCHASE, json={}) for _ in range(8))
            )
        return [a.status_code for a in answers]

    with SandboxServer() as server:
        statuses = asyncio.run(together(server.url))
        assert statuses == [401] * 8  # no credentials: Tranzzo's own answer, every time
        assert events == Counter({"create_app": 1, "on_startup": 1})
    assert events == Counter({"create_app": 1, "on_startup": 1, "on_cleanup": 1})


def test_a_scenario_runs_against_a_sandbox_whose_providers_were_never_requested(
    cold: SandboxServer,
) -> None:
    report = run_scenario("macropay/expired-order", Sandbox(cold.url, "first-use"))
    assert report.passed
    assert "macropay" in loaded(cold)
