"""Webhook chaos: reordered groups and ignored answers, and what the delivery log says of them."""

from __future__ import annotations

import random
from typing import Any

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA, tranzzo
from tests.waiting import eventually

__all__ = ["tranzzo"]


def orders(sink: WebhookSink) -> list[str]:
    return [decode_webhook(d.form, CREDENTIALS.api_secret)["order_id"] for d in sink.deliveries]


async def pay(tranzzo: AsyncTranzzoClient, sink: WebhookSink, *refs: str) -> list[str]:
    return [
        (await tranzzo.purchase(ref, 10, "UAH", card=VISA, server_url=sink.url_for()))["payment_id"]
        for ref in refs
    ]


async def reorder_notes(admin: AsyncSandboxAdmin) -> dict[str, dict[str, Any]]:
    hooks = await admin.webhooks()
    return {h["payload"]["order_id"]: next(f for f in h["faults"]) for h in hooks}


async def test_a_reordered_group_is_held_then_sent_in_reverse_one_tick_apart(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.inject_fault("reorder", count=3)
    await pay(tranzzo, webhook_sink, "o-1", "o-2")
    held = await admin.webhooks()
    assert {h["state"] for h in held} == {"pending"}
    assert webhook_sink.deliveries == []
    await pay(tranzzo, webhook_sink, "o-3")  # the group is complete: the newest goes first
    await webhook_sink.received(1)
    await eventually(admin.webhooks, lambda hooks: sum(bool(h["attempts"]) for h in hooks) == 1)
    for sent in (2, 3):
        await admin.advance_clock(1)
        await webhook_sink.received(sent)
    assert orders(webhook_sink) == ["o-3", "o-2", "o-1"]
    notes = await reorder_notes(admin)
    assert {ref: (n["position"], n["sent_as"], n["of"]) for ref, n in notes.items()} == {
        "o-1": (1, 3, 3),
        "o-2": (2, 2, 3),
        "o-3": (3, 1, 3),
    }
    assert {(n["kind"], n["order"], n["released"]) for n in notes.values()} == {
        ("reorder", "reverse", True)
    }
    assert len({n["group"] for n in notes.values()}) == 1


async def test_a_shuffled_group_goes_out_in_the_order_its_seed_gives(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.call(
        "POST", "/faults", {"kind": "reorder", "order": "shuffle", "seed": 7, "count": 4}
    )
    refs = ["o-1", "o-2", "o-3", "o-4"]
    await pay(tranzzo, webhook_sink, *refs)
    await webhook_sink.received(1)
    await eventually(admin.webhooks, lambda hooks: sum(bool(h["attempts"]) for h in hooks) == 1)
    for sent in (2, 3, 4):
        await admin.advance_clock(1)
        await webhook_sink.received(sent)
    places = list(range(4))
    random.Random(7).shuffle(places)
    assert orders(webhook_sink) == [refs[places.index(rank)] for rank in range(4)]
    notes = await reorder_notes(admin)
    assert [notes[ref]["sent_as"] for ref in refs] == [place + 1 for place in places]


async def test_a_group_that_never_fills_goes_out_after_its_hold_in_the_new_order(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.call("POST", "/faults", {"kind": "reorder", "count": 3, "hold_seconds": 60})
    await pay(tranzzo, webhook_sink, "o-1", "o-2")
    await admin.advance_clock(59)
    assert webhook_sink.deliveries == []
    await admin.advance_clock(2)  # o-2 held for rank 1, o-1 for rank 2: o-2 first
    await webhook_sink.received(1)
    await eventually(admin.webhooks, lambda hooks: sum(bool(h["attempts"]) for h in hooks) == 1)
    await admin.advance_clock(1)
    await webhook_sink.received(2)
    assert orders(webhook_sink) == ["o-2", "o-1"]
    assert {n["released"] for n in (await reorder_notes(admin)).values()} == {False}
    assert (await admin.call("GET", "/faults"))["entries"][0]["remaining"] == 1


async def test_an_ignored_answer_counts_as_a_timeout_and_the_webhook_is_sent_again(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await admin.inject_fault("timeout")
    [paid] = await pay(tranzzo, webhook_sink, "o-1")
    await webhook_sink.received(1)
    [first] = await eventually(
        lambda: admin.webhooks(payment_id=paid), lambda hooks: bool(hooks[0]["attempts"])
    )
    assert first["state"] == "pending"
    assert first["timeouts"] == 1
    [attempt] = first["attempts"]
    assert (attempt["status"], attempt["timed_out"]) == (200, True)
    assert attempt["error"] == "answer timeout injected by a chaos fault: the 200 was not counted"
    assert first["faults"] == [{"kind": "timeout", "attempts": None}]
    await admin.advance_clock(10)
    [done] = await admin.webhooks(payment_id=paid)
    assert done["state"] == "delivered"
    assert [(a["status"], a["timed_out"]) for a in done["attempts"]] == [(200, True), (200, False)]
    assert len(webhook_sink.deliveries) == 2


async def test_each_attempt_keeps_what_was_sent_and_its_signature(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    [paid] = await pay(tranzzo, webhook_sink, "o-1")
    [delivery] = await webhook_sink.received(1)
    [logged] = await eventually(
        lambda: admin.webhooks(payment_id=paid), lambda hooks: bool(hooks[0]["attempts"])
    )
    [attempt] = logged["attempts"]
    assert attempt["signature"] == delivery.form["signature"]
    assert delivery.body.decode().startswith(attempt["request"].removesuffix("…"))
    assert attempt["request"].startswith("data=")


async def test_a_reorder_of_fewer_than_two_is_refused(admin: AsyncSandboxAdmin) -> None:
    with pytest.raises(SandboxApiError) as refused:
        await admin.inject_fault("reorder", count=1)
    assert (refused.value.status, refused.value.code) == (400, "invalid_request")
