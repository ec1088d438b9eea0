"""One clock advance runs everything that falls due in its window, in due order, each at its
own time; advances add up; the clock is bounded."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta
from pathlib import Path

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.testing.server import SandboxServer
from psp_sandbox.simulator.testing.sink import WebhookSink
from psp_sandbox.simulator.webhooks import DEFAULT_RETRY_AFTER
from tests.providers.tranzzo.conftest import VISA, card, tranzzo
from tests.waiting import attempts_recorded

__all__ = ["tranzzo"]


def moments(record: dict) -> list[datetime]:
    return [datetime.fromisoformat(a["at"]) for a in record["attempts"]]


async def test_one_advance_sends_every_retry_of_the_schedule_that_fits_each_at_its_own_time(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    webhook_sink.respond_with(*[503] * (1 + len(DEFAULT_RETRY_AFTER)))
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
    await attempts_recorded(admin, paid["payment_id"], 1)
    answer = await admin.advance_clock(40_000)  # the whole schedule fits: 37 300 s
    assert answer["webhooks_attempted"] == len(DEFAULT_RETRY_AFTER)
    [record] = await admin.webhooks(payment_id=paid["payment_id"])
    assert record["state"] == "failed"
    assert len(webhook_sink.deliveries) == 1 + len(DEFAULT_RETRY_AFTER)
    at = moments(record)
    gaps = [round((later - earlier).total_seconds()) for earlier, later in itertools.pairwise(at)]
    assert gaps == list(DEFAULT_RETRY_AFTER)


async def test_an_advance_runs_a_completion_then_its_webhook_retries_at_their_own_times(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    webhook_sink.respond_with(503, 503, 503, 503)
    paid = await tranzzo.purchase(
        "o-1", 1, "UAH", card=card("4000000000000259"), server_url=webhook_sink.url_for()
    )
    await admin.advance_clock(60)
    view = await admin.payment(paid["payment_id"])
    assert view["status"] == "captured"
    created, *_, completed = (datetime.fromisoformat(h["at"]) for h in view["history"])
    assert completed - created == timedelta(seconds=5)  # the pending card's delay
    [hook] = view["webhooks"]
    # 503 at +5 s, +15 s and +45 s; the next retry (+105 s) lies beyond the window.
    assert [round((t - completed).total_seconds()) for t in moments(hook)] == [0, 10, 40]
    assert hook["state"] == "pending"


async def test_fifty_parallel_one_second_advances_move_the_clock_fifty_seconds(
    tmp_path: Path,
) -> None:
    with SandboxServer(store=f"sqlite:///{tmp_path}/sandbox.db") as server:
        async with AsyncSandboxAdmin(server.url, "parallel") as admin:
            await asyncio.gather(*(admin.advance_clock(1) for _ in range(50)))
            assert (await admin.clock())["offset_seconds"] == 50


async def test_a_clock_pushed_past_its_bound_answers_400_and_changes_nothing(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.advance_clock(3)
    try:
        await admin.advance_clock(8_000 * 366 * 86_400)  # about year 10 000
    except SandboxApiError as refused:
        assert refused.status == 400
        assert refused.code == "clock_out_of_range"
    else:
        raise AssertionError("the clock passed its bound")
    assert (await admin.clock())["offset_seconds"] == 3
    far = await admin.advance_clock(6_000 * 365 * 86_400)  # about year 8000: still fine
    assert far["now"].startswith("80")
    paid = await tranzzo.purchase("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for())
    [delivered] = await attempts_recorded(admin, paid["payment_id"], 1)
    assert delivered["state"] == "delivered"
    for silly in (float("inf"), -1, "soon"):
        try:
            await admin.call("POST", "/clock", {"advance_seconds": silly})
        except SandboxApiError as refused:
            assert refused.status == 400
        else:
            raise AssertionError(f"advance_seconds {silly!r} was accepted")
