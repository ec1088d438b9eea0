"""Two sandbox processes on one store, load split between them: conflicting requests keep
every invariant, and what the store holds agrees with what the clients were answered."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservApiError
from psp_sandbox.client.macropay import AsyncMacropayClient, MacropayApiError
from psp_sandbox.client.paymentz import AsyncPaymentzClient, PaymentzApiError
from psp_sandbox.client.payworks import AsyncPayworksClient, PayworksApiError
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.fiserv.conftest import BASE as FISERV_BASE
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.fiserv.conftest import VISA as FISERV_VISA
from tests.providers.macropay.conftest import API_KEY as MACROPAY
from tests.providers.macropay.conftest import VISA as MACROPAY_VISA
from tests.providers.paymentz.conftest import CREDENTIALS as PAYMENTZ
from tests.providers.paymentz.conftest import VISA as PAYMENTZ_VISA
from tests.providers.payworks.conftest import CREDENTIALS as PAYWORKS
from tests.providers.payworks.conftest import MERCHANT as PAYWORKS_MERCHANT
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO
from tests.providers.tranzzo.conftest import VISA as TRANZZO_VISA
from tests.waiting import eventually

from .conftest import Pair

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("scale-contention")]
CONCURRENT = 200
#: Purchases racing to take from one tenant's queues: a stampede on one stored row.
STAMPEDE = 1000


async def split(
    pair: Pair,
    make: Callable[[str], Any],
    call: Callable[[Any, int], Awaitable[Any]],
) -> list[Any]:
    """Send CONCURRENT calls at once, alternating between the two processes; each result is
    the answer or the API error raised."""
    clients = [make(url) for url in pair.urls]
    for client in clients:
        await client.__aenter__()
    try:

        async def one(index: int) -> Any:
            try:
                return await call(clients[index % 2], index)
            except (
                TranzzoApiError,
                FiservApiError,
                MacropayApiError,
                PaymentzApiError,
                PayworksApiError,
            ) as refused:
                return refused

        return list(await asyncio.gather(*(one(i) for i in range(CONCURRENT))))
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)


async def test_partial_refunds_past_the_captured_amount_are_refused_across_processes(
    pair: Pair,
) -> None:
    headers = {"X-Sandbox-Tenant": "refunds"}
    async with AsyncTranzzoClient(f"{pair.a.url}/tranzzo", TRANZZO, headers=headers) as first:
        paid = await first.purchase("o-1", "100.00", "UAH", card=TRANZZO_VISA)

    def make(url: str) -> AsyncTranzzoClient:
        return AsyncTranzzoClient(f"{url}/tranzzo", TRANZZO, headers=headers)

    answers = await split(pair, make, lambda c, _i: c.refund("o-1", "UAH", "1.00"))
    ok = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, TranzzoApiError)]
    assert len(ok) == 100
    assert {(r.status, r.code) for r in refused} == {(400, "P-411")}
    assert len(refused) == CONCURRENT - 100
    async with AsyncSandboxAdmin(pair.b.url, "refunds") as admin:
        stored = await admin.payment(paid["payment_id"])
    refunds = [op for op in stored["operations"] if op["kind"] == "refund"]
    assert (stored["captured"], stored["refunded"], stored["status"]) == (10000, 10000, "refunded")
    assert sorted(op["id"] for op in refunds) == sorted(a["operation_id"] for a in ok)


async def test_captures_racing_voids_leave_one_winner_and_consistent_totals(pair: Pair) -> None:
    headers = {"X-Sandbox-Tenant": "capture-void"}

    def make(url: str) -> AsyncFiservClient:
        return AsyncFiservClient(url + "/fiserv" + FISERV_BASE, FISERV, headers=headers)

    async with make(pair.a.url) as first:
        held = await first.preauth("10.00", "EUR", card=FISERV_VISA)
    reference = held["ipgTransactionId"]

    def capture_or_void(client: AsyncFiservClient, index: int) -> Awaitable[Any]:
        if index % 4 < 2:
            return client.postauth(reference, "10.00", "EUR")
        return client.void(reference)

    answers = await split(pair, make, capture_or_void)
    approved = [a for a in answers if isinstance(a, dict) and a["transactionStatus"] == "APPROVED"]
    assert all(
        isinstance(a, FiservApiError) and a.status < 500 for a in answers if a not in approved
    )
    async with AsyncSandboxAdmin(pair.b.url, "capture-void") as admin:
        [stored] = await admin.payments()
    succeeded = Counter(op["kind"] for op in stored["operations"] if op["status"] == "succeeded")
    assert succeeded["capture"] <= 1
    assert len(approved) == succeeded["capture"] + succeeded["void"]
    assert (
        stored["captured"]
        == 1000 * succeeded["capture"] - (1000 * succeeded["void"] if succeeded["capture"] else 0)
        or stored["status"] == "voided"
    )
    assert 0 <= stored["refunded"] <= stored["captured"] <= stored["authorized"]


async def test_one_client_request_id_sent_by_two_hundred_callers_makes_one_payment(
    pair: Pair,
) -> None:
    headers = {"X-Sandbox-Tenant": "request-id"}

    def make(url: str) -> AsyncFiservClient:
        return AsyncFiservClient(url + "/fiserv" + FISERV_BASE, FISERV, headers=headers)

    body = {
        "requestType": "PaymentCardSaleTransaction",
        "transactionAmount": {"total": "5.00", "currency": "EUR"},
        "paymentMethod": {"paymentCard": FISERV_VISA.as_json()},
    }
    answers = await split(
        pair, make, lambda c, _i: c.send("POST", "/payments", body, client_request_id="same-1")
    )
    assert all(isinstance(a, dict) for a in answers), answers
    assert {a["ipgTransactionId"] for a in answers} == {answers[0]["ipgTransactionId"]}
    async with AsyncSandboxAdmin(pair.a.url, "request-id") as admin:
        stored = await admin.payments()
    assert len(stored) == 1
    assert stored[0]["captured"] == 500


async def test_a_single_use_order_paid_by_two_hundred_callers_is_paid_once(pair: Pair) -> None:
    headers = {"X-Sandbox-Tenant": "double-pay"}

    def make(url: str) -> AsyncMacropayClient:
        return AsyncMacropayClient(f"{url}/macropay/v2", MACROPAY, headers=headers)

    async with make(pair.a.url) as first:
        order = (await first.create_order("10.00", "EUR"))["orderId"]
    answers = await split(pair, make, lambda c, _i: c.pay_with_card(order, MACROPAY_VISA))
    paid = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, MacropayApiError)]
    assert [a["transactionStatus"] for a in paid] == ["success"]
    assert {(r.status, r.body["error"]["code"]) for r in refused} == {(400, "0906")}
    async with AsyncSandboxAdmin(pair.b.url, "double-pay") as admin:
        [stored] = await admin.payments()
    assert stored["captured"] == 1000
    assert [op["status"] for op in stored["operations"]] == ["succeeded"]


async def test_a_thousand_purchases_racing_for_queued_outcomes_and_faults_each_take_one(
    pair: Pair,
) -> None:
    """Every purchase of one tenant reads and uses up the same queued entries, all at once:
    each is answered as the queue says (never a 500 for losing the race too often), and each
    entry is used exactly once."""
    headers = {
        "X-Sandbox-Tenant": "stampede",
        "X-API-AUTH": f"CPAY {TRANZZO.api_key}:{TRANZZO.api_secret}",
        "X-API-KEY": TRANZZO.endpoints_key,
    }
    declines, faults = 400, 200
    async with AsyncSandboxAdmin(pair.a.url, "stampede") as admin:
        await admin.queue_outcome("declined", count=declines, provider="tranzzo")
        await admin.fault("error", provider="tranzzo", status=503, count=faults)
    # aiohttp without a connection limit, so that every purchase is in the sandboxes at once
    # (the project's clients pool connections, and would let them in a hundred at a time).
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def purchase(index: int) -> tuple[int, str | None]:
            body = {
                "pos_id": TRANZZO.pos_id, "mode": "direct", "method": "purchase",
                "amount": 1, "currency": "UAH", "order_id": f"s-{index}", "description": "s",
                "cc_number": TRANZZO_VISA.number, "exp_month": 12, "exp_year": 30,
                "card_cvv": TRANZZO_VISA.cvv, "order_3ds_bypass": "supported",
            }  # fmt: skip
            url = f"{pair.url(index)}/tranzzo/api/v1/payment"
            async with http.post(url, json=body, headers=headers) as answer:
                return answer.status, (await answer.json()).get("status")

        answers = Counter(await asyncio.gather(*(purchase(i) for i in range(STAMPEDE))))
        after = await purchase(STAMPEDE)
    assert answers == {
        (503, None): faults,
        (200, "failure"): declines,
        (200, "success"): STAMPEDE - faults - declines,
    }
    assert after == (200, "success")  # both queues were used up, exactly


async def test_one_refund_of_a_paymentz_payment_wins_of_two_hundred_racing(pair: Pair) -> None:
    headers = {"X-Sandbox-Tenant": "paymentz-refunds"}

    def make(url: str) -> AsyncPaymentzClient:
        return AsyncPaymentzClient(f"{url}/paymentz", PAYMENTZ, headers=headers)

    async with make(pair.a.url) as first:
        payment_id = (await first.debit("o-1", "50.00", "EUR", PAYMENTZ_VISA))["paymentId"]
    answers = await split(pair, make, lambda c, _i: c.refund(payment_id, "10.00"))
    refunded = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, PaymentzApiError)]
    assert [a["transactionStatus"] for a in refunded] == ["Y"]
    assert {(r.status, r.code) for r in refused} == {(409, "13005")}
    async with AsyncSandboxAdmin(pair.b.url, "paymentz-refunds") as admin:
        [stored] = await admin.payments()
    assert (stored["captured"], stored["refunded"]) == (5000, 1000)
    assert sum(op["kind"] == "refund" for op in stored["operations"]) == 1


async def test_payworks_refunds_without_the_card_never_exceed_the_charge_across_processes(
    pair: Pair,
) -> None:
    headers = {"X-Sandbox-Tenant": "payworks-refunds"}

    def make(url: str) -> AsyncPayworksClient:
        return AsyncPayworksClient(f"{url}/payworks", PAYWORKS, headers=headers)

    async with (
        make(pair.a.url) as first,
        AsyncSandboxAdmin(pair.a.url, "payworks-refunds") as admin,
    ):
        session = await first.register_charge(PAYWORKS_MERCHANT, "20.00", "EUR")
        charge = session["transaction"]["identifier"]
        [payment] = await admin.payments(provider="payworks", reference=charge)
        await admin.execute(payment["id"], pin="1234")
    answers = await split(pair, make, lambda c, _i: c.refund_without_card(charge, "5.00", "EUR"))
    refunded = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, PayworksApiError)]
    assert len(refunded) == 4 and len(refused) == CONCURRENT - 4
    assert {a["status"] for a in refunded} == {"APPROVED"}
    assert len({(r.status, r.type) for r in refused}) == 1
    async with AsyncSandboxAdmin(pair.b.url, "payworks-refunds") as admin:
        [stored] = await admin.payments(provider="payworks", reference=charge)
    assert (stored["captured"], stored["refunded"]) == (2000, 2000)
    assert sum(op["kind"] == "refund" for op in stored["operations"]) == 4


async def test_clock_advances_through_both_processes_add_up(pair: Pair) -> None:
    async with (
        AsyncSandboxAdmin(pair.a.url, "clock-sum") as a,
        AsyncSandboxAdmin(pair.b.url, "clock-sum") as b,
    ):
        await asyncio.gather(*((a, b)[i % 2].advance_clock(1) for i in range(50)))
        assert (await a.clock())["offset_seconds"] == 50
        assert (await b.clock())["offset_seconds"] == 50


async def test_every_webhook_attempt_is_sent_once_with_both_dispatchers_running(
    pair: Pair, webhook_sink: WebhookSink
) -> None:
    headers = {"X-Sandbox-Tenant": "hooks"}
    webhook_sink.respond_with(*[503] * 50)  # the first 50 answers refuse, later ones accept

    def make(url: str) -> AsyncTranzzoClient:
        return AsyncTranzzoClient(f"{url}/tranzzo", TRANZZO, headers=headers)

    hook = webhook_sink.url_for()
    answers = await split(
        pair, make, lambda c, i: c.purchase(f"o-{i}", 1, "UAH", card=TRANZZO_VISA, server_url=hook)
    )
    assert all(isinstance(a, dict) for a in answers)
    await webhook_sink.received(CONCURRENT, seconds=60)
    async with AsyncSandboxAdmin(pair.a.url, "hooks") as admin:
        await eventually(
            lambda: admin.webhooks(limit=CONCURRENT),
            lambda hooks: all(h["attempts"] and h["state"] != "in_flight" for h in hooks),
            within=60,
        )
        await admin.advance_clock(10)  # every refused one is due again, once
        hooks = await eventually(
            lambda: admin.webhooks(limit=CONCURRENT),
            lambda found: {h["state"] for h in found} == {"delivered"},
            within=30,
        )
    assert len(hooks) == CONCURRENT
    assert {h["state"] for h in hooks} == {"delivered"}
    # Each attempt the sandbox recorded reached the receiver once, and nothing else did.
    received = Counter(
        decode_webhook(d.form, TRANZZO.api_secret)["order_id"] for d in webhook_sink.deliveries
    )
    recorded = {h["payload"]["order_id"]: len(h["attempts"]) for h in hooks}
    assert received == recorded
    # One retry for each refused (or unanswered) attempt, then the accepted one.
    for h in hooks:
        statuses = [a["status"] for a in h["attempts"]]
        assert statuses[-1] == 200
        assert 200 not in statuses[:-1]
    assert 0 < sum(len(h["attempts"]) - 1 for h in hooks) <= 50 + CONCURRENT // 10
