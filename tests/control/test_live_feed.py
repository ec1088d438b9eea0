"""The live feed: payments and deliveries as they change, as server-sent events, resumable, and
fed by the store — so it shows changes another sandbox process made."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.process import ServeProcess
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA, tranzzo

__all__ = ["tranzzo"]


Event = tuple[str, str, dict[str, Any]]


async def collect(
    url: str, until: Callable[[Event], bool], tenant: str | None = None, after: int | None = None
) -> list[Event]:
    """(id, event, data) of each event of the feed, until one satisfies ``until``."""
    params = {k: str(v) for k, v in (("tenant", tenant), ("after", after)) if v is not None}
    seen: list[Event] = []
    async with (
        asyncio.timeout(15),
        httpx.AsyncClient(timeout=httpx.Timeout(10, read=15)) as http,
        aconnect_sse(http, "GET", f"{url}/_sandbox/events", params=params) as source,
    ):
        assert source.response.headers["content-type"].startswith("text/event-stream")
        async for sse in source.aiter_sse():
            seen.append((sse.id, sse.event, json.loads(sse.data)))
            if until(seen[-1]):
                return seen
    raise AssertionError(f"the feed ended: {seen}")


async def test_a_purchase_and_its_webhook_appear_in_the_tenants_feed(
    sandbox: Sandbox, tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    delivered = lambda e: e[1] == "delivery" and e[2]["state"] == "delivered"  # noqa: E731
    listening = asyncio.ensure_future(collect(sandbox.url, delivered, sandbox.tenant, after=0))
    paid = await tranzzo.purchase("o-1", 100, "UAH", card=VISA, server_url=webhook_sink.url_for())
    seen = await listening
    payments = [data for _id, kind, data in seen if kind == "payment"]
    assert payments[-1]["id"] == paid["payment_id"]
    assert (payments[-1]["status"], payments[-1]["reference"]) == ("captured", "o-1")
    deliveries = [data for _id, kind, data in seen if kind == "delivery"]
    assert deliveries[-1]["payment_id"] == paid["payment_id"]
    assert deliveries[-1]["event"] == "purchase.success"
    assert [int(i) for i, _k, _d in seen] == sorted(int(i) for i, _k, _d in seen)


async def test_the_feed_resumes_after_the_last_event_seen_and_keeps_to_its_tenant(
    sandbox: Sandbox, tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    first = await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), CREDENTIALS, headers={"X-Sandbox-Tenant": "someone-else"}
    ) as other:
        await other.purchase("o-1", 100, "UAH", card=VISA)
    await tranzzo.refund("o-1", "UAH", 10)
    seen = await collect(sandbox.url, lambda e: e[1] == "payment", sandbox.tenant, after=0)
    # One change per record, its latest (the refund); nothing of the other tenant. (The
    # fixture resets no tenant that is fresh in this session: no reset comes first.)
    assert [kind for _i, kind, _d in seen] == ["payment"]
    last_id, _kind, payment = seen[-1]
    assert (payment["id"], payment["refunded"]) == (first["payment_id"], 1000)
    await admin.reset()
    await tranzzo.purchase("o-2", 5, "UAH", card=VISA)
    resumed = await collect(
        sandbox.url, lambda e: e[1] == "payment", sandbox.tenant, after=int(last_id)
    )
    assert [(kind, data.get("reference")) for _i, kind, data in resumed] == [
        ("reset", None),
        ("payment", "o-2"),
    ]


@pytest.mark.slow
async def test_a_change_made_by_another_process_on_the_same_store_reaches_the_feed(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path}/shared.db"
    # Two processes start one after the other; a loaded machine may take a while for each.
    watched = ServeProcess("--store", store).start(timeout=60)
    other = ServeProcess("--store", store)
    try:
        other.start(timeout=60)
        async with AsyncSandboxAdmin(watched.url) as admin:
            await admin.reset(everything=True)
        listening = asyncio.ensure_future(
            collect(watched.url, lambda e: e[1] == "payment", "shared", after=0)
        )
        async with AsyncTranzzoClient(
            f"{other.url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": "shared"}
        ) as tranzzo:
            paid = await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
        seen = await listening
    finally:
        for process in (watched, other):
            process.__exit__()
    assert seen[-1][2]["id"] == paid["payment_id"]
