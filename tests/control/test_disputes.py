"""POST /_sandbox/payments/{id}/dispute: disputes driven by the admin API, over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from psp_sandbox.simulator.control.models import PaymentView
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA


@pytest.fixture
async def tranzzo(sandbox: Sandbox) -> AsyncIterator[AsyncTranzzoClient]:
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers
    ) as c:
        yield c


async def purchase(tranzzo: AsyncTranzzoClient, order: str = "o-1", amount: int = 100) -> str:
    paid = await tranzzo.purchase(order, amount, "UAH", card=VISA)
    return str(paid["payment_id"])


async def test_a_chargeback_opens_escalates_and_is_lost_in_the_payment_view(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    payment_id = await purchase(tranzzo)
    view = await admin.dispute(payment_id, "inquiry", amount=4_000, reason="13.1")
    PaymentView.model_validate(view)
    (dispute,) = view["disputes"]
    assert (dispute["stage"], dispute["amount"], view["disputed"]) == ("inquiry", 4_000, 4_000)
    assert (dispute["reason"], dispute["category"], dispute["description"]) == (
        "13.1",
        "Consumer Disputes",
        "Merchandise/Services Not Received",
    )
    await admin.dispute(payment_id, "chargeback", amount=6_000)
    view = await admin.dispute(payment_id, "lost")
    (dispute,) = view["disputes"]
    assert [(c["old"], c["new"], c["amount"]) for c in dispute["history"]] == [
        (None, "inquiry", 4_000),
        ("inquiry", "chargeback", 6_000),
        ("chargeback", "lost", 6_000),
    ]
    assert (view["disputed"], view["status"], view["captured"]) == (6_000, "captured", 10_000)
    assert (await admin.payment(payment_id))["disputes"] == view["disputes"]


async def test_disputed_money_is_refused_to_a_refund_in_the_providers_own_envelope(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    payment_id = await purchase(tranzzo)
    await admin.dispute(payment_id, "chargeback", amount=7_000)
    with pytest.raises(TranzzoApiError) as refused:
        await tranzzo.refund("o-1", "UAH", 31)
    assert (refused.value.status, refused.value.code) == (400, "P-411")
    refunded = await tranzzo.refund("o-1", "UAH", 30)
    assert refunded["amount"] == 30
    view = await admin.payment(payment_id)
    assert (view["refunded"], view["disputed"]) == (3_000, 7_000)


async def test_a_dispute_is_stamped_with_the_tenants_clock(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    payment_id = await purchase(tranzzo)
    before = datetime.fromisoformat((await admin.clock())["now"])
    await admin.advance_clock(3 * 86_400)
    view = await admin.dispute(payment_id, "chargeback", reason="4837")
    opened = datetime.fromisoformat(view["disputes"][0]["opened_at"])
    assert timedelta(days=3) <= opened - before < timedelta(days=3, minutes=5)
    assert view["disputes"][0]["category"] == "Fraud"


@pytest.mark.parametrize(
    ("first", "then", "code"),
    [
        (None, "won", "dispute_stage_not_allowed"),
        ("inquiry", "reversed", "dispute_stage_not_allowed"),
        ("chargeback", "inquiry", "dispute_stage_not_allowed"),
    ],
)
async def test_moves_the_dispute_table_forbids_answer_409(
    admin: AsyncSandboxAdmin,
    tranzzo: AsyncTranzzoClient,
    first: str | None,
    then: str,
    code: str,
) -> None:
    payment_id = await purchase(tranzzo)
    if first is not None:
        await admin.dispute(payment_id, first)
    with pytest.raises(SandboxApiError) as refused:
        await admin.dispute(payment_id, then)
    assert (refused.value.status, refused.value.code) == (409, code)
    assert len((await admin.payment(payment_id))["disputes"]) == (first is not None)


async def test_a_dispute_over_the_undisputed_amount_or_on_an_unpaid_order_answers_409(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    payment_id = await purchase(tranzzo)
    with pytest.raises(SandboxApiError) as refused:
        await admin.dispute(payment_id, "chargeback", amount=10_001)
    assert (refused.value.status, refused.value.code) == (409, "dispute_exceeds_available")
    held = await tranzzo.auth("o-2", 5, "UAH", card=VISA)
    with pytest.raises(SandboxApiError) as refused:
        await admin.dispute(held["payment_id"], "inquiry")
    assert (refused.value.status, refused.value.code) == (409, "not_disputable")


async def test_bad_dispute_requests_answer_400_and_unknown_payments_404(
    admin: AsyncSandboxAdmin, tranzzo: AsyncTranzzoClient
) -> None:
    payment_id = await purchase(tranzzo)
    for body in (
        {"stage": "escalated"},
        {"stage": "inquiry", "amount": 0},
        {"stage": "inquiry", "reason": "x" * 21},
        {"stage": "inquiry", "colour": "red"},
    ):
        with pytest.raises(SandboxApiError) as bad:
            await admin.call("POST", f"/payments/{payment_id}/dispute", body)
        assert (bad.value.status, bad.value.code) == (400, "invalid_request")
    with pytest.raises(SandboxApiError) as missing:
        await admin.dispute("no-such-payment", "inquiry")
    assert (missing.value.status, missing.value.code) == (404, "payment_not_found")
    assert (await admin.payment(payment_id))["disputes"] == []
