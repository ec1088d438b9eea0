"""What the sandbox serves under /_sandbox is built on the first request that reaches it: the
health check builds none of it, and each part — the admin API (its errors and its admin token
too), the explorer, the guides, the dashboard, every hosted page and the front door — answers
its first request on a sandbox where nothing was requested yet. The background warm-up, which
would build them all soon after start, is off here."""

from __future__ import annotations

import httpx
import pytest

from psp_sandbox.client.tranzzo import TranzzoClient
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.process import probe
from tests.providers.tranzzo.conftest import CREDENTIALS, card

TENANT = {"X-Sandbox-Tenant": "first-use"}
TOKEN = "first-use-admin-token-0123456789"

#: A real server on its own loop, warm-up off: which of the sandbox's modules its first
#: health check imported.
HEALTH_ONLY = """
import asyncio, json, sys, urllib.request
from aiohttp import web
from psp_sandbox.simulator import app as sandbox_app
from psp_sandbox.simulator.settings import Settings

async def nothing(*_mounts):
    return None

sandbox_app.warm_up = nothing

async def main():
    runner = web.AppRunner(sandbox_app.create_app(Settings(store="memory://")))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/_sandbox/health"
    answer = await asyncio.to_thread(lambda: urllib.request.urlopen(url).read())
    await runner.cleanup()
    return {
        "health": json.loads(answer)["status"],
        "ours": sorted(m for m in sys.modules if m.startswith("psp_sandbox.")),
    }

print(json.dumps(asyncio.run(main())))
"""


def test_the_first_health_check_builds_neither_the_admin_api_nor_any_page() -> None:
    served = probe(HEALTH_ONLY)
    assert served["health"] == "ok"
    ours = served["ours"]
    assert "psp_sandbox.simulator.health" in ours
    for part in ("control", "ui.hosted", "ui.explorer", "ui.guides", "ui.dashboard", "ui.index"):
        assert not [m for m in ours if m.startswith(f"psp_sandbox.simulator.{part}")], part


def test_the_admin_api_answers_its_first_requests_and_errors_in_its_envelope(
    cold: SandboxServer,
) -> None:
    reset = httpx.post(f"{cold.url}/_sandbox/reset", headers=TENANT)
    assert reset.status_code == 200 and reset.json() == {"reset": "first-use"}
    document = httpx.get(f"{cold.url}/_sandbox/openapi.json").json()
    assert "/health" in document["paths"]  # served by the root, documented with the others
    wrong_method = httpx.post(f"{cold.url}/_sandbox/health")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    nowhere = httpx.get(f"{cold.url}/_sandbox/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"


def test_a_fresh_strict_sandbox_asks_for_its_admin_token_but_not_for_health(
    no_warm_up: None,
) -> None:
    with SandboxServer(auth="strict", admin_token=TOKEN) as strict:
        assert httpx.get(f"{strict.url}/_sandbox/health").status_code == 200
        refused = httpx.get(f"{strict.url}/_sandbox/payments", headers=TENANT)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "admin_token_required"
        allowed = httpx.get(
            f"{strict.url}/_sandbox/payments",
            headers={**TENANT, "Authorization": f"Bearer {TOKEN}"},
        )
        assert allowed.status_code == 200


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/", '"admin_explorer"'),
        ("/_sandbox", '"admin_explorer"'),
        ("/_sandbox/explorer", "swagger-ui"),
        ("/_sandbox/docs/admin-api.md", "# The admin API"),
        ("/_sandbox/ui/", "<html"),
        ("/_sandbox/terminal/no-such-session", "<html"),
    ],
)
def test_each_page_answers_its_first_request(cold: SandboxServer, path: str, says: str) -> None:
    answer = httpx.get(f"{cold.url}{path}")
    assert answer.status_code == (404 if "no-such" in path else 200)
    assert says in answer.text


def test_the_hosted_checkout_and_challenge_pages_answer_their_first_requests(
    cold: SandboxServer,
) -> None:
    base = f"{cold.url}/tranzzo"
    with TranzzoClient(base, CREDENTIALS, headers=TENANT) as tranzzo:
        hosted = tranzzo.purchase("first-use-1", 10, "UAH", mode="hosted")
        challenged = tranzzo.purchase(
            "first-use-2", 10, "UAH", card=card("4000000000003220"), order_3ds_bypass="never"
        )
    checkout = httpx.get(hosted["redirect_url"])
    assert checkout.status_code == 200 and "first-use-1" in checkout.text
    challenge = httpx.post(challenged["user_action_url"], data={"MD": "first-use"})
    assert challenge.status_code == 200 and 'name="MD" value="first-use"' in challenge.text
