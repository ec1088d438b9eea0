"""Primary transactions: sales, preauths, credits, their fields, ids and base paths."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, Card, FiservDeclined
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import BASE, CREDENTIALS, VISA, TenantClock, card


async def test_an_approved_sale_is_captured_with_the_documented_fields(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await fiserv.sale("12.04", "EUR", card=VISA, merchantTransactionId="mt-1")
    assert re.fullmatch(r"[0-9]{11}", sale["ipgTransactionId"])
    assert re.fullmatch(r"R-[0-9a-f-]{36}", sale["orderId"])
    assert (sale["transactionType"], sale["transactionOrigin"]) == ("SALE", "ECOM")
    assert (sale["transactionStatus"], sale["transactionResult"]) == ("APPROVED", "APPROVED")
    assert sale["transactionState"] == "CAPTURED"
    assert sale["approvedAmount"] == {
        "total": 12.04,
        "currency": "EUR",
        "components": {"subtotal": 12.04},
    }
    assert sale["merchantTransactionId"] == "mt-1"
    assert re.fullmatch(r"Y:[0-9]{6}:[0-9]{10}:PPXX:[0-9]{12}", sale["approvalCode"])
    assert sale["approvalCode"].split(":")[2] == sale["ipgTransactionId"][-10:]
    assert sale["paymentMethodDetails"] == {
        "paymentCard": {
            "expiryDate": {"month": "12", "year": "2030"},
            "bin": "411111",
            "last4": "1111",
            "brand": "VISA",
        },
        "paymentMethodType": "PAYMENT_CARD",
    }
    processor = sale["processor"]
    assert (processor["responseCode"], processor["responseMessage"]) == (
        "00",
        "Function performed error-free",
    )
    assert processor["authorizationCode"] == sale["approvalCode"].split(":")[1]
    assert processor["securityCodeResponse"] == "MATCHED"


async def test_transaction_time_is_in_seconds_on_the_tenant_clock(
    fiserv: AsyncFiservClient, clock: TenantClock
) -> None:
    sale = await fiserv.sale("1.00", "EUR", card=VISA)
    assert abs(sale["transactionTime"] - clock()) < 5


async def test_amounts_are_accepted_as_numbers_or_strings(fiserv: AsyncFiservClient) -> None:
    as_number = {
        "requestType": "PaymentCardSaleTransaction",
        "transactionAmount": {"total": 7.5, "currency": "USD"},
        "paymentMethod": {"paymentCard": VISA.as_json()},
    }
    assert (await fiserv.send("POST", "/payments", as_number))["approvedAmount"]["total"] == 7.5
    as_string = {**as_number, "transactionAmount": {"total": "7.50", "currency": "USD"}}
    assert (await fiserv.send("POST", "/payments", as_string))["approvedAmount"]["total"] == 7.5


async def test_numeric_currency_codes_are_read_as_iso_4217(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("3.00", "978", card=VISA)
    assert sale["approvedAmount"]["currency"] == "EUR"


async def test_amount_components_are_echoed(fiserv: AsyncFiservClient) -> None:
    parts = {"subtotal": 8, "localTax": 1, "shipping": 1.24}
    sale = await fiserv.send(
        "POST",
        "/payments",
        {
            "requestType": "PaymentCardSaleTransaction",
            "transactionAmount": {"total": 10.24, "currency": "EUR", "components": parts},
            "paymentMethod": {"paymentCard": VISA.as_json()},
        },
    )
    assert sale["transactionAmount"]["components"] == {
        "subtotal": 8.0,
        "localTax": 1.0,
        "shipping": 1.24,
    }


async def test_a_client_order_id_is_kept_and_a_second_sale_on_it_is_refused_with_5003(
    fiserv: AsyncFiservClient,
) -> None:
    first = await fiserv.sale("5.00", "EUR", card=VISA, order_id="shop-42")
    assert first["orderId"] == "shop-42"
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.sale("5.00", "EUR", card=VISA, order_id="shop-42")
    error = refused.value
    assert (error.status, error.response_type, error.code) == (409, "GatewayDeclined", "5003")
    assert error.message == "The order already exists in the database."
    assert error.body["transactionStatus"] == "VALIDATION_FAILED"
    assert error.body["approvalCode"] == "N:-5003:The order already exists in the database."


async def test_a_preauth_is_authorized_and_a_credit_captured(fiserv: AsyncFiservClient) -> None:
    preauth = await fiserv.preauth("20.00", "EUR", card=VISA)
    assert (preauth["transactionType"], preauth["transactionState"]) == ("PREAUTH", "AUTHORIZED")
    credit = await fiserv.credit("4.00", "EUR", VISA)
    assert (credit["transactionType"], credit["transactionState"]) == ("CREDIT", "CAPTURED")


async def test_both_base_paths_serve_the_same_orders(sandbox: Sandbox, clock: TenantClock) -> None:
    gateway = AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE, CREDENTIALS, headers=sandbox.headers, clock=clock.signing
    )
    apigee = AsyncFiservClient(
        sandbox.base_url("fiserv") + "/ipp/payments-gateway/v2",
        CREDENTIALS,
        headers=sandbox.headers,
        clock=clock.signing,
    )
    async with gateway, apigee:
        sale = await apigee.sale("9.99", "EUR", card=VISA, order_id="both-1")
        found = await gateway.transaction(sale["ipgTransactionId"])
        assert (found["orderId"], found["transactionResult"]) == ("both-1", "APPROVED")


@pytest.mark.parametrize(
    ("number", "code", "message", "processor_code"),
    [
        ("4000000000000002", "50005", "Do not honour", "05"),
        ("4000000000009995", "50051", "Insufficient funds", "51"),
        ("4000000000000069", "50054", "Wrong expiration/expired card", "54"),
        ("4000000000000127", "C2", "CVV2 Declined", "C2"),
    ],
)
async def test_issuer_declines_are_422_endpoint_declined_with_the_transaction(
    fiserv: AsyncFiservClient, number: str, code: str, message: str, processor_code: str
) -> None:
    with pytest.raises(FiservDeclined) as declined:
        await fiserv.sale("10.00", "EUR", card=card(number))
    error = declined.value
    assert (error.status, error.response_type, error.code, error.message) == (
        422,
        "EndpointDeclined",
        code,
        message,
    )
    body = error.body
    assert (body["transactionStatus"], body["transactionResult"]) == ("DECLINED", "DECLINED")
    assert body["transactionState"] == "DECLINED"
    assert body["approvalCode"] == f"N:{processor_code}:{message}"
    assert body["processor"]["responseCode"] == processor_code
    assert "approvedAmount" not in body
    found = await fiserv.transaction(body["ipgTransactionId"])
    assert (found["transactionResult"], found["transactionState"]) == ("DECLINED", "DECLINED")


async def test_a_processor_error_is_502_and_the_transaction_failed(
    fiserv: AsyncFiservClient,
) -> None:
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.sale("10.00", "EUR", card=card("4000000000000119"))
    error = failed.value
    assert (error.status, error.response_type, error.code) == (
        502,
        "EndpointCommunicationError",
        "30053",
    )
    assert error.body["transactionStatus"] == "PROCESSING_FAILED"
    found = await fiserv.transaction(error.body["ipgTransactionId"])
    assert found["transactionResult"] == "FAILED"


async def test_card_numbers_failing_luhn_and_expired_cards_are_gateway_declines(
    fiserv: AsyncFiservClient,
) -> None:
    with pytest.raises(FiservDeclined) as luhn:
        await fiserv.sale("1.00", "EUR", card=card("4111111111111112"))
    assert (luhn.value.status, luhn.value.code) == (409, "2303")
    assert luhn.value.body["approvalCode"] == "N:-2303:Invalid credit card number"
    assert luhn.value.body["transactionStatus"] == "VALIDATION_FAILED"
    with pytest.raises(FiservDeclined) as expired:
        await fiserv.sale("1.00", "EUR", card=Card("4111111111111111", "12", "20"))
    assert (expired.value.status, expired.value.code) == (409, "2304")
    assert expired.value.message == "Credit card is expired or expiration date is invalid"


async def test_a_pending_card_is_waiting_until_the_tenant_clock_moves(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    sale = await fiserv.sale("1.00", "EUR", card=card("4000000000000259"))
    assert (sale["transactionStatus"], sale["transactionState"]) == ("WAITING", "WAITING")
    assert sale["approvalCode"] == "?:waiting"
    await clock.advance(admin, 5)
    found = await fiserv.transaction(sale["ipgTransactionId"])
    assert (found["transactionResult"], found["transactionState"]) == ("APPROVED", "CAPTURED")


async def test_a_merchant_transaction_id_finds_its_transaction(
    fiserv: AsyncFiservClient, order_id: Callable[[], str]
) -> None:
    sale = await fiserv.sale("2.00", "EUR", card=VISA, merchantTransactionId="my-ref-7")
    found = await fiserv.transaction("my-ref-7")
    assert found["ipgTransactionId"] == sale["ipgTransactionId"]
    assert "transactionStatus" not in found
