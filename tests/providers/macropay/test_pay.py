"""Paying a Macropay order: statuses and messages, single use, the card form and its errors."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, CreateOrder, card, envelope, refused

SUCCESS = "The payment has been processed successfully"
FAILED = "The payment has failed"
PROCESSING = "The payment is being processed"
CARD = VISA.as_data()


@pytest.mark.parametrize(
    ("number", "status", "message"),
    [
        ("4111111111111111", "success", SUCCESS),
        ("5555555555554444", "success", SUCCESS),
        ("4012888888881881", "success", SUCCESS),
        ("4000000000001018", "success", SUCCESS),
        ("4000000000000002", "failed", FAILED),
        ("4000000000009995", "failed", FAILED),
        ("4000000000000069", "failed", FAILED),
        ("4000000000000127", "failed", FAILED),
        ("4000000000000119", "failed", FAILED),
        ("4000000000000259", "in_process", PROCESSING),
        ("4000000000000267", "in_process", PROCESSING),
        ("4000000000003220", "waiting_user_interaction", PROCESSING),
    ],
)
async def test_magic_cards_answer_200_with_the_documented_status_and_message(
    macropay: AsyncMacropayClient, new_order: CreateOrder, number: str, status: str, message: str
) -> None:
    answer = await macropay.pay_with_card(await new_order(), card(number))
    assert (answer["transactionStatus"], answer["message"]) == (status, message)
    keys = {"transactionStatus", "message", "transactionId"}
    if status == "waiting_user_interaction":
        keys |= {"action", "version"}
    assert set(answer) == keys


async def test_the_card_may_come_as_base64_json_in_place_of_the_ciphered_blob(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    answer = await macropay.pay_with_card(await new_order(), VISA, as_base64=True)
    assert answer["transactionStatus"] == "success"


async def test_an_order_is_paid_once_whatever_the_first_result(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    for first in (VISA, card("4000000000000002"), card("4000000000000259")):
        order = await new_order()
        await macropay.pay_with_card(order, first)
        error = await refused(macropay.pay_with_card(order, VISA))
        assert (error.status, error.body) == (400, envelope("0906", "Request Already Processed"))


async def test_an_unknown_order_is_not_found_and_a_malformed_id_is_invalid(
    macropay: AsyncMacropayClient,
) -> None:
    error = await refused(macropay.pay_with_card("0b6e1f5e-7a8a-4c43-9d4e-0d3f0d1f2a3b", VISA))
    assert (error.status, error.body) == (400, envelope("0108", "Transaction Not Found"))
    error = await refused(macropay.pay_with_card("order-1", VISA))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"cardNumber": "4111111111111112"}, "0303", "Invalid Card Number"),
        ({"cardNumber": "4111 1111 1111 1111"}, "0303", "Invalid Card Number"),
        ({"cardNumber": "4111-1111-1111-1111"}, "0303", "Invalid Card Number"),
        ({"cardNumber": "41111"}, "0303", "Invalid Card Number"),
        ({"cardNumber": ""}, "0303", "Invalid Card Number"),
        ({"cardNumber": "411111111111111\u00b2"}, "0303", "Invalid Card Number"),
        ({"cardNumber": "\u0664" + "\u0661" * 15}, "0303", "Invalid Card Number"),
        ({"cardHolderName": ""}, "0306", "Invalid Cardholder Name"),
        ({"cardHolderName": "   "}, "0306", "Invalid Cardholder Name"),
        ({"cardHolderName": None}, "0306", "Invalid Cardholder Name"),
        ({"cvv": "12"}, "0309", "Invalid CVV"),
        ({"cvv": "12345"}, "0309", "Invalid CVV"),
        ({"cvv": "12a"}, "0309", "Invalid CVV"),
        ({"expiryMonth": 13}, "0310", "Invalid Expiry Date"),
        ({"expiryMonth": 0}, "0310", "Invalid Expiry Date"),
        ({"expiryYear": 2020}, "0310", "Invalid Expiry Date"),
        ({"expiryYear": "abc"}, "0310", "Invalid Expiry Date"),
        ({"expiryYear": 999}, "0310", "Invalid Expiry Date"),
        ({"cardNumber": 4111111111111111}, "0300", "Invalid Request"),
        ({"cvv": 123}, "0300", "Invalid Request"),
        ({"pin": "1234"}, "0300", "Invalid Request"),
    ],
)
async def test_card_data_errors_answer_revups_codes(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    changes: dict[str, Any],
    code: str,
    message: str,
) -> None:
    data = {**CARD, **changes}
    for sent in (data, base64.b64encode(json.dumps(data).encode()).decode()):
        order = await new_order()
        body = {"paymentMethod": "credit_card", "data": sent}
        error = await refused(macropay.pay(order, body))
        assert (error.status, error.body) == (400, envelope(code, message))


async def test_card_errors_come_in_revups_order(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    order = await new_order()
    everything_wrong = {"cardNumber": "1", "cardHolderName": "", "cvv": "1", "expiryMonth": 13}
    for fixed, code in (
        ({}, "0303"),
        ({"cardNumber": VISA.number}, "0306"),
        ({"cardHolderName": "Ana"}, "0309"),
        ({"cvv": "123"}, "0310"),
    ):
        everything_wrong.update(fixed)
        body = {"paymentMethod": "credit_card", "data": {**CARD, **everything_wrong}}
        assert (await refused(macropay.pay(order, body))).code == code


async def test_a_missing_card_field_is_an_invalid_request(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    data = {k: v for k, v in CARD.items() if k != "cvv"}
    error = await refused(
        macropay.pay(await new_order(), {"paymentMethod": "credit_card", "data": data})
    )
    assert error.body == envelope("0300", "Invalid Request")


@pytest.mark.parametrize(
    "body",
    [
        {"paymentMethod": "credit_card", "data": "not base64!"},
        {"paymentMethod": "credit_card", "data": base64.b64encode(b"[1, 2]").decode()},
        {"paymentMethod": "credit_card", "data": base64.b64encode(b"\xff").decode()},
        {"paymentMethod": "credit_card"},
        {"paymentMethod": "paypal", "data": CARD},
        {"paymentMethod": "credit_card", "data": CARD, "amount": 1},
        {"paymentMethod": "credit_card_token", "data": CARD},
        {"paymentMethod": "credit_card_token", "data": "tok-1"},
        {"data": CARD},
    ],
)
async def test_a_pay_body_that_does_not_match_the_schema_is_an_invalid_request(
    macropay: AsyncMacropayClient, new_order: CreateOrder, body: dict[str, Any]
) -> None:
    error = await refused(macropay.pay(await new_order(), body))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


async def test_a_refused_request_leaves_the_order_usable(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    order = await new_order()
    await refused(macropay.pay_with_card(order, card("4111111111111112")))
    await refused(macropay.send("POST", f"/orders/{order}/pay", b"{"))
    assert (await macropay.pay_with_card(order, VISA))["transactionStatus"] == "success"


async def test_a_pending_payment_completes_on_the_tenant_clock(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    approved = await macropay.pay_with_card(await new_order(), card("4000000000000259"))
    declined = await macropay.pay_with_card(await new_order(), card("4000000000000267"))
    await admin.advance_clock(4)
    assert (await macropay.transaction(approved["transactionId"]))[
        "transactionStatus"
    ] == "in_process"
    await admin.advance_clock(1)
    assert (await macropay.transaction(approved["transactionId"]))["transactionStatus"] == "success"
    after = await macropay.transaction(declined["transactionId"])
    assert (after["transactionStatus"], after["error"]) == (
        "failed",
        {"code": "0102", "message": "Authorization Failed"},
    )


async def test_queued_outcomes_decide_the_payment_and_its_delay(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    await admin.queue_outcome("declined", provider="macropay")
    assert (await macropay.pay_with_card(await new_order(), VISA))["transactionStatus"] == "failed"
    await admin.queue_outcome("pending_approved", provider="macropay", delay_seconds=120)
    pending = await macropay.pay_with_card(await new_order(), VISA)
    assert pending["transactionStatus"] == "in_process"
    await admin.advance_clock(119)
    assert (await macropay.transaction(pending["transactionId"]))[
        "transactionStatus"
    ] == "in_process"
    await admin.advance_clock(1)
    assert (await macropay.transaction(pending["transactionId"]))["transactionStatus"] == "success"


async def test_an_injected_fault_on_pay_answers_0900_and_keeps_the_order(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    order = await new_order()
    await admin.inject_fault("error", provider="macropay", operation="pay", status=500)
    error = await refused(macropay.pay_with_card(order, VISA))
    assert (error.status, error.body) == (500, envelope("0900", "Internal Server Error"))
    assert (await macropay.pay_with_card(order, VISA))["transactionStatus"] == "success"


async def test_the_inquiry_answers_a_payment_and_refuses_unknown_ids(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    order = await new_order("12.50", "EUR")
    paid = await macropay.pay_with_card(order, VISA)
    found = await macropay.transaction(paid["transactionId"])
    assert found["orderId"] == order
    assert (found["transactionType"], found["transactionStatus"]) == ("payment", "success")
    assert found["money"] == {"amount": 12.5, "currency": "EUR"}
    error = await refused(macropay.transaction(order))  # an order id is not a transaction id
    assert (error.status, error.body) == (400, envelope("0108", "Transaction Not Found"))
    error = await refused(macropay.transaction("42"))
    assert error.body == envelope("0300", "Invalid Request")
