"""kill -9 of one of two sandbox processes under load: nothing it acknowledged is lost, and the
webhooks it had claimed are sent by the survivor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoError, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA
from tests.waiting import eventually

from .conftest import shared_store, start_pair, stop_pair

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("scale-kill")]
ORDERS = 200


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_a_process_killed_mid_load_loses_nothing_it_acknowledged(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest, webhook_sink: WebhookSink
) -> None:
    postgres = request.getfixturevalue("postgres") if kind == "postgresql" else None
    pair = start_pair(shared_store(kind, tmp_path, postgres))  # type: ignore[arg-type]
    headers = {"X-Sandbox-Tenant": "kill"}
    webhook_sink.respond_with(*[200] * ORDERS, delay=0.3)  # deliveries stay in flight a while
    hook = webhook_sink.url_for()
    try:
        async with (
            AsyncTranzzoClient(f"{pair.a.url}/tranzzo", CREDENTIALS, headers=headers) as a,
            AsyncTranzzoClient(f"{pair.b.url}/tranzzo", CREDENTIALS, headers=headers) as b,
        ):

            async def purchase(index: int) -> str | None:
                client = (a, b)[index % 2]
                try:
                    await client.purchase(f"o-{index}", 1, "UAH", card=VISA, server_url=hook)
                except (TranzzoError, httpx.HTTPError):
                    return None  # the killed process never answered
                return f"o-{index}"

            load = [asyncio.create_task(purchase(i)) for i in range(ORDERS)]
            await eventually(lambda: webhook_sink.arrived, lambda n: n >= 10, within=60)
            pair.b.kill()
            acknowledged = {order for order in await asyncio.gather(*load) if order}
        assert len(acknowledged) >= ORDERS // 4

        async with AsyncSandboxAdmin(pair.a.url, "kill") as admin:
            stored = {p["reference"]: p for p in await admin.payments(limit=1000)}
            assert acknowledged <= set(stored)
            assert all(stored[o]["status"] == "captured" for o in acknowledged)
            hooks = await eventually(
                lambda: admin.webhooks(limit=1000),
                lambda found: {h["state"] for h in found} == {"delivered"},
                within=60,
            )
        assert len(hooks) == len(stored)
        received = {decode_webhook(d.form, CREDENTIALS.api_secret)["order_id"]
                    for d in webhook_sink.deliveries}  # fmt: skip
        assert set(stored) <= received
    finally:
        stop_pair(pair)
