"""Tranzzo captures, voids and refunds, and the rules that bind them."""

from __future__ import annotations

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, TranzzoNotFound
from psp_sandbox.simulator.providers.tranzzo.models import SecondaryOperation

from .conftest import VISA


async def refused(call: object) -> TranzzoApiError:
    with pytest.raises(TranzzoApiError) as raised:
        await call  # type: ignore[misc]
    return raised.value


async def test_a_refund_answers_the_documented_secondary_operation(
    tranzzo: AsyncTranzzoClient,
) -> None:
    payment = await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    answer = await tranzzo.refund("o-1", "UAH", 80, comment="10101")
    SecondaryOperation.model_validate(answer)
    assert answer["method"] == "refund"
    assert answer["mode"] == "direct"
    assert answer["payment_id"] == payment["payment_id"]
    assert (answer["status"], answer["status_code"]) == ("success", "1004")
    assert answer["status_description"] == "Refund successful."
    assert answer["amount"] == 80
    assert answer["comment"] == "10101"
    assert answer["fee"] is None
    assert answer["processed_at"] == answer["processing_time"]
    assert answer["operation_id"] != answer["transaction_id"]


async def test_a_refund_without_amount_returns_everything_left(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    await tranzzo.refund("o-1", "UAH", 30)
    answer = await tranzzo.refund("o-1", "UAH")
    assert answer["amount"] == 70


async def test_partial_refunds_cannot_exceed_the_original_payment(
    tranzzo: AsyncTranzzoClient,
) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    await tranzzo.refund("o-1", "UAH", 60)
    error = await refused(tranzzo.refund("o-1", "UAH", "40.01"))
    assert (error.status, error.code) == (400, "P-411")
    assert error.message == "Refund amount exceeds the available amount"
    assert (await tranzzo.refund("o-1", "UAH", 40))["status"] == "success"
    error = await refused(tranzzo.refund("o-1", "UAH", "0.01"))
    assert error.code in ("P-410", "P-411")


async def test_a_refund_in_another_currency_is_refused(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    error = await refused(tranzzo.refund("o-1", "EUR", 10))
    assert (error.status, error.code) == (400, "P-412")


async def test_an_auth_is_not_refundable_before_its_capture(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    error = await refused(tranzzo.refund("o-1", "UAH", 10))
    assert (error.status, error.code) == (400, "P-410")


async def test_a_partial_capture_then_refunds_up_to_the_captured_amount(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    auth = await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    captured = await tranzzo.capture("o-1", "UAH", 60)
    assert (captured["status_code"], captured["amount"], captured["method"]) == (
        "1001",
        60,
        "capture",
    )
    error = await refused(tranzzo.refund("o-1", "UAH", 61))
    assert error.code == "P-411"
    await tranzzo.refund("o-1", "UAH", 60)
    stored = await admin.payment(auth["payment_id"])
    assert (stored["authorized"], stored["captured"], stored["refunded"]) == (10000, 6000, 6000)
    assert stored["status"] == "refunded"


async def test_an_auth_is_captured_only_once(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    await tranzzo.capture("o-1", "UAH", 30)
    error = await refused(tranzzo.capture("o-1", "UAH", 10))
    assert error.code == "P-410"


async def test_a_capture_cannot_exceed_the_authorized_amount(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    error = await refused(tranzzo.capture("o-1", "UAH", "100.01"))
    assert error.code == "P-411"


async def test_a_purchase_is_not_capturable_nor_voidable(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    assert (await refused(tranzzo.capture("o-1", "UAH"))).code == "P-410"
    assert (await refused(tranzzo.void("o-1", "UAH"))).code == "P-410"


async def test_a_void_releases_the_whole_auth_and_ends_the_order(
    tranzzo: AsyncTranzzoClient,
) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    voided = await tranzzo.void("o-1", "UAH", comment="customer cancelled")
    assert (voided["method"], voided["status_code"], voided["amount"]) == ("void", "1003", 100)
    assert (await refused(tranzzo.capture("o-1", "UAH"))).code == "P-410"
    assert (await refused(tranzzo.refund("o-1", "UAH", 1))).code == "P-410"
    assert (await refused(tranzzo.void("o-1", "UAH"))).code == "P-410"


async def test_a_captured_auth_cannot_be_voided(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    await tranzzo.capture("o-1", "UAH")
    assert (await refused(tranzzo.void("o-1", "UAH"))).code == "P-410"


async def test_secondary_operations_on_an_unknown_order_are_404(
    tranzzo: AsyncTranzzoClient,
) -> None:
    with pytest.raises(TranzzoNotFound):
        await tranzzo.refund("nope", "UAH", 1)


async def test_a_declined_payment_allows_no_secondary_operation(
    tranzzo: AsyncTranzzoClient,
) -> None:
    from .conftest import card

    await tranzzo.auth("o-1", 100, "UAH", card=card("4000000000000002"))
    assert (await refused(tranzzo.capture("o-1", "UAH"))).code == "P-410"
    assert (await refused(tranzzo.void("o-1", "UAH"))).code == "P-410"
