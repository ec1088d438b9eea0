"""Magic cards, queued outcomes, injected faults and the virtual clock, through Tranzzo."""

from __future__ import annotations

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, TranzzoTransportError
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import VISA, card


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("4111111111111111", "success", "1000"),
        ("5555555555554444", "success", "1000"),
        ("5454545454545454", "success", "1000"),
        ("4000000000000002", "failure", "5152"),
        ("4000000000009995", "failure", "5051"),
        ("4000000000000069", "failure", "5054"),
        ("4000000000000127", "failure", "2007"),
        ("4000000000000119", "failure", "6000"),
        ("4000000000003220", "pending", "2122"),
        ("4000000000000259", "pending", "2100"),
        ("4012888888881881", "success", "1000"),
    ],
)
async def test_magic_cards_end_as_the_table_says(
    tranzzo: AsyncTranzzoClient, number: str, status: str, code: str
) -> None:
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=card(number))
    assert (answer["status"], answer["status_code"]) == (status, code)


async def test_an_expiry_in_the_past_is_an_expired_card_decline(
    tranzzo: AsyncTranzzoClient,
) -> None:
    from psp_sandbox.client.tranzzo import Card

    answer = await tranzzo.purchase("o-1", 10, "UAH", card=Card(VISA.number, 1, 20, "123"))
    assert (answer["status"], answer["status_code"]) == ("failure", "5054")


async def test_a_pending_card_is_approved_once_the_clock_passes_its_delay(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await tranzzo.purchase(
        "o-1", 10, "UAH", card=card("4000000000000259"), server_url=webhook_sink.url_for()
    )
    await admin.advance_clock(4)
    assert (await tranzzo.order_status("o-1"))[0]["status"] == "pending"
    moved = await admin.advance_clock(1)
    assert moved["ticked"] == 1
    assert (await tranzzo.order_status("o-1"))[0]["status"] == "success"
    assert len(await webhook_sink.received(1)) == 1


async def test_a_pending_decline_card_declines_after_its_delay(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    await tranzzo.purchase("o-1", 10, "UAH", card=card("4000000000000267"))
    await admin.advance_clock(5)
    assert (await tranzzo.order_status("o-1"))[0]["status"] == "failure"


async def test_queued_outcomes_override_the_card(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.queue_outcome(
        "insufficient_funds", operation="payment", provider="tranzzo", count=2
    )
    for order in ("o-1", "o-2"):
        assert (await tranzzo.purchase(order, 10, "UAH", card=VISA))["status_code"] == "5051"
    assert (await tranzzo.purchase("o-3", 10, "UAH", card=VISA))["status"] == "success"
    assert (await admin.clock())["tenant"] == admin.tenant


async def test_a_scripted_sequence_for_one_order_declines_then_approves(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    await admin.queue_script(["declined", "approved"], operation="capture", reference="o-1")
    first = await tranzzo.capture("o-1", "UAH", 40)
    assert first["status"] == "failure"
    second = await tranzzo.capture("o-1", "UAH", 40)
    assert second["status"] == "success"


async def test_an_injected_error_answers_in_tranzzos_envelope(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.inject_fault("error", provider="tranzzo", operation="refund", status=503)
    await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.refund("o-1", "UAH", 5)
    assert (raised.value.status, raised.value.code) == (503, "P-503")
    assert (await tranzzo.refund("o-1", "UAH", 5))["status"] == "success"
    [stored] = await admin.payments(provider="tranzzo", reference="o-1")
    assert stored["refunded"] == 500  # the faulted call changed nothing


async def test_reset_and_malformed_faults_break_the_transport(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    # A reset GET on a kept-alive connection is retried by aiohttp itself: use a POST.
    await admin.inject_fault("reset", provider="tranzzo", operation="payment")
    with pytest.raises(TranzzoTransportError):
        await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
    await admin.inject_fault("malformed", provider="tranzzo", operation="order_status")
    with pytest.raises(TranzzoTransportError):
        await tranzzo.order_status("o-1")


async def test_a_latency_fault_delays_the_answer(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    from psp_sandbox.client.tranzzo import AsyncTranzzoClient as Client
    from tests.providers.tranzzo.conftest import CREDENTIALS

    await admin.inject_fault("latency", provider="tranzzo", operation="payment", latency_ms=2000)
    impatient = Client(tranzzo.base_url, CREDENTIALS, headers=tranzzo.headers, timeout=0.3)
    async with impatient:
        with pytest.raises(TranzzoTransportError):
            await impatient.purchase("o-1", 10, "UAH", card=VISA)


async def test_unknown_fault_operation_is_refused_by_the_admin_api(
    admin: AsyncSandboxAdmin,
) -> None:
    from psp_sandbox.client.sandbox import SandboxApiError

    with pytest.raises(SandboxApiError) as raised:
        await admin.inject_fault("error", provider="tranzzo", operation="teleport", status=500)
    assert (raised.value.status, raised.value.code) == (400, "unknown_operation")


async def test_an_outcome_queued_after_the_queue_was_seen_empty_still_applies(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    assert (await tranzzo.purchase("o-1", 10, "UAH", card=VISA))["status"] == "success"
    await admin.queue_outcome("declined", provider="tranzzo")
    await admin.inject_fault("error", provider="tranzzo", operation="refund", status=500)
    assert (await tranzzo.purchase("o-2", 10, "UAH", card=VISA))["status"] == "failure"
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.refund("o-1", "UAH", 1)
    assert raised.value.status == 500
