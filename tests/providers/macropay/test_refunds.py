"""Macropay refunds: full and partial, never above the paid amount, same currency only."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, CreateOrder, card, envelope, refused

NOT_PERMITTED = envelope("0207", "Transaction Not Permitted")
INVALID_CURRENCY = envelope("0307", "Invalid Currency")


async def paid(macropay: AsyncMacropayClient, new_order: CreateOrder, amount: str = "10.00") -> str:
    answer = await macropay.pay_with_card(await new_order(amount, "EUR"), VISA)
    assert answer["transactionStatus"] == "success"
    return str(answer["transactionId"])


async def test_a_refund_answers_its_own_transaction_with_the_charged_amount(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    payment = await paid(macropay, new_order)
    answer = await macropay.refund(payment, "0.95", "EUR", reason="Refund reason")
    assert answer == {
        "transactionId": answer["transactionId"],
        "transactionStatus": "success",
        "money": {"amount": 0.95, "currency": "EUR"},
        "reason": "Refund reason",
        "operationResult": {"chargedAmount": {"amount": 0.95, "currency": "EUR"}},
    }
    assert answer["transactionId"] != payment
    refund = await macropay.transaction(answer["transactionId"])
    assert (refund["transactionType"], refund["parentTransactionId"]) == ("refund", payment)


async def test_partial_refunds_add_up_to_the_paid_amount_and_no_further(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    payment = await paid(macropay, new_order, "10.00")
    for amount in ("2.50", "7.00", "0.50"):
        assert (await macropay.refund(payment, amount, "EUR"))["transactionStatus"] == "success"
    error = await refused(macropay.refund(payment, "0.01", "EUR"))
    assert (error.status, error.body) == (400, NOT_PERMITTED)
    found = await macropay.transaction(payment)
    assert Decimal(str(found["refundedMoney"]["amount"])) == Decimal("10.00")


async def test_a_refund_above_what_is_left_is_refused_and_changes_nothing(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    payment = await paid(macropay, new_order, "10.00")
    await macropay.refund(payment, "6", "EUR")
    error = await refused(macropay.refund(payment, "4.01", "EUR"))
    assert error.body == NOT_PERMITTED
    assert (await macropay.refund(payment, "4", "EUR"))["transactionStatus"] == "success"


@pytest.mark.parametrize("currency", ["USD", "XXX1", "eur", ""])
async def test_a_refund_in_another_or_no_real_currency_is_an_invalid_currency(
    macropay: AsyncMacropayClient, new_order: CreateOrder, currency: str
) -> None:
    payment = await paid(macropay, new_order)
    error = await refused(macropay.refund(payment, "1", currency))
    assert (error.status, error.body) == (400, INVALID_CURRENCY)


async def test_only_a_successful_payment_is_refundable(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    declined = await macropay.pay_with_card(await new_order(), card("4000000000000002"))
    pending = await macropay.pay_with_card(await new_order(), card("4000000000000259"))
    challenged = await macropay.pay_with_card(await new_order(), card("4000000000003220"))
    for answer in (declined, pending, challenged):
        error = await refused(macropay.refund(answer["transactionId"], "1", "EUR"))
        assert (error.status, error.body) == (400, NOT_PERMITTED)
    payment = await paid(macropay, new_order)
    refund = await macropay.refund(payment, "1", "EUR")
    error = await refused(macropay.refund(refund["transactionId"], "1", "EUR"))
    assert error.body == NOT_PERMITTED


async def test_refunding_an_unknown_transaction_is_not_found(macropay: AsyncMacropayClient) -> None:
    error = await refused(macropay.refund("0b6e1f5e-7a8a-4c43-9d4e-0d3f0d1f2a3b", "1", "EUR"))
    assert (error.status, error.body) == (400, envelope("0108", "Transaction Not Found"))
    error = await refused(macropay.refund("tx-1", "1", "EUR"))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"reason": "no money"},
        {"money": {"amount": "1", "currency": "EUR"}},
        {"money": {"amount": 0, "currency": "EUR"}},
        {"money": {"amount": 1.001, "currency": "EUR"}},
        {"money": {"amount": 1, "currency": "EUR"}, "reason": 5},
        {"money": {"amount": 1, "currency": "EUR"}, "extra": True},
    ],
)
async def test_a_refund_body_that_does_not_match_the_schema_is_an_invalid_request(
    macropay: AsyncMacropayClient, new_order: CreateOrder, body: dict[str, Any]
) -> None:
    payment = await paid(macropay, new_order)
    path = f"/transactions/{payment}/refund"
    error = await refused(macropay.send("POST", path, json.dumps(body).encode()))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


async def test_a_declined_refund_answers_failed_with_its_error(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    payment = await paid(macropay, new_order)
    await admin.queue_outcome("declined", operation="refund", provider="macropay")
    answer = await macropay.refund(payment, "1", "EUR")
    assert answer["transactionStatus"] == "failed"
    assert answer["error"] == {"code": "0102", "message": "Authorization Failed"}
    assert "operationResult" not in answer
    assert (await macropay.refund(payment, "10", "EUR"))["transactionStatus"] == "success"


async def test_a_pending_refund_reserves_its_amount_until_it_completes(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    payment = await paid(macropay, new_order)
    await admin.queue_outcome("pending_approved", operation="refund", delay_seconds=30)
    pending = await macropay.refund(payment, "8", "EUR")
    assert pending["transactionStatus"] == "in_process"
    assert (await refused(macropay.refund(payment, "3", "EUR"))).body == NOT_PERMITTED
    await admin.advance_clock(30)
    done = await macropay.transaction(pending["transactionId"])
    assert done["transactionStatus"] == "success"
    assert (await macropay.refund(payment, "2", "EUR"))["transactionStatus"] == "success"
