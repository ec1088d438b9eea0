"""Payment tokens (createToken, /payment-tokens) and inquiries of transactions and orders."""

from __future__ import annotations

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined, FiservNotFound
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, TenantClock, card


async def test_a_sale_with_create_token_returns_a_reusable_token(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA, create_token={"reusable": True})
    token = sale["paymentToken"]
    assert (token["reusable"], token["declineDuplicates"], token["type"]) == (
        True,
        False,
        "PAYMENT_CARD",
    )
    assert (token["last4"], token["brand"]) == ("1111", "VISA")
    for _ in range(2):
        again = await fiserv.sale("1.00", "EUR", token=token["value"])
        assert again["paymentMethodDetails"]["paymentCard"]["last4"] == "1111"
        assert "paymentToken" not in again


async def test_a_client_supplied_token_value_is_used(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.preauth("10.00", "EUR", card=VISA, create_token={"value": "my-token-1"})
    assert sale["paymentToken"]["value"] == "my-token-1"
    assert (await fiserv.token("my-token-1"))["requestStatus"] == "SUCCESS"


async def test_a_declined_sale_creates_no_token(fiserv: AsyncFiservClient) -> None:
    with pytest.raises(FiservDeclined) as declined:
        await fiserv.sale(
            "10.00", "EUR", card=card("4000000000000002"), create_token={"value": "never"}
        )
    assert "paymentToken" not in declined.value.body
    with pytest.raises(FiservNotFound):
        await fiserv.token("never")


async def test_tokens_are_created_read_and_deleted(fiserv: AsyncFiservClient) -> None:
    created = await fiserv.create_token(VISA)
    assert created["requestStatus"] == "SUCCESS"
    value = created["paymentToken"]["value"]
    assert created["paymentCard"] == {
        "expiryDate": {"month": "12", "year": "2030"},
        "bin": "411111",
        "last4": "1111",
        "brand": "VISA",
    }
    assert (await fiserv.token(value))["paymentToken"]["value"] == value
    deleted = await fiserv.delete_token(value)
    assert deleted["requestStatus"] == "DELETED"
    with pytest.raises(FiservNotFound):
        await fiserv.token(value)
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.sale("1.00", "EUR", token=value)
    assert (refused.value.status, refused.value.code) == (409, "50294")


async def test_a_single_use_token_is_used_up_by_its_payment(fiserv: AsyncFiservClient) -> None:
    token = await fiserv.create_token(VISA, reusable=False)
    value = token["paymentToken"]["value"]
    body = {
        "requestType": "PaymentTokenSaleTransaction",
        "transactionAmount": {"total": "1.00", "currency": "EUR"},
        "paymentMethod": {"paymentToken": {"value": value}},
    }
    first = await fiserv.call("POST", "/payments", body, client_request_id="once-1")
    retried = await fiserv.call("POST", "/payments", body, client_request_id="once-1")
    assert (retried.status, retried.json()) == (first.status, first.json()) == (200, first.json())
    with pytest.raises(FiservDeclined):
        await fiserv.sale("1.00", "EUR", token=value)


async def test_a_token_of_a_declining_card_keeps_declining(fiserv: AsyncFiservClient) -> None:
    token = await fiserv.create_token(card("4000000000009995"))
    with pytest.raises(FiservDeclined) as declined:
        await fiserv.sale("1.00", "EUR", token=token["paymentToken"]["value"])
    assert (declined.value.status, declined.value.code) == (422, "50051")


async def test_a_card_failing_luhn_is_not_tokenized(fiserv: AsyncFiservClient) -> None:
    answer = await fiserv.call(
        "POST",
        "/payment-tokens",
        {
            "requestType": "PaymentCardPaymentTokenizationRequest",
            "paymentCard": card("4111111111111112").as_json(),
            "createToken": {"reusable": True},
        },
    )
    assert answer.status == 409
    body = answer.json()
    assert (body["responseType"], body["error"]["code"]) == ("GatewayDeclined", "2303")


async def test_a_token_is_never_a_card_number(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    await fiserv.sale("1.00", "EUR", card=VISA, order_id="o-1", create_token={})
    payment = await admin.find_payment("fiserv", "o-1")
    assert VISA.number not in str(payment)


async def test_inquiries_carry_result_and_state_but_no_transaction_status(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA, order_id="o-1")
    found = await fiserv.transaction(sale["ipgTransactionId"])
    assert "transactionStatus" not in found
    assert (found["transactionResult"], found["transactionState"]) == ("APPROVED", "CAPTURED")
    assert {k: v for k, v in found.items() if k not in ("clientRequestId", "apiTraceId")} == {
        k: v
        for k, v in sale.items()
        if k not in ("clientRequestId", "apiTraceId", "transactionStatus")
    }


async def test_an_order_inquiry_lists_every_transaction_oldest_first(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.preauth("30.00", "EUR", card=VISA, order_id="o-1")
    await fiserv.postauth("o-1", "30.00", "EUR", by_order=True)
    await clock.advance(admin, 86_400)
    await fiserv.return_("o-1", "5.00", "EUR", by_order=True)
    order = await fiserv.order("o-1")
    assert order["orderId"] == "o-1"
    assert [
        (t["transactionType"], t["transactionState"], t["transactionAmount"]["total"])
        for t in order["transactions"]
    ] == [
        ("PREAUTH", "AUTHORIZED", 30.0),
        ("POSTAUTH", "SETTLED", 30.0),
        ("RETURN", "CAPTURED", 5.0),
    ]
    assert all("transactionStatus" not in t for t in order["transactions"])
    assert all("clientRequestId" not in t for t in order["transactions"])


async def test_an_order_keeps_its_billing_and_shipping(fiserv: AsyncFiservClient) -> None:
    billing = {"name": "Jane Doe", "address": {"city": "Atlanta", "country": "USA"}}
    await fiserv.sale("1.00", "EUR", card=VISA, order={"orderId": "o-1", "billing": billing})
    assert (await fiserv.order("o-1"))["billing"] == billing


async def test_unknown_transactions_and_orders_are_404(fiserv: AsyncFiservClient) -> None:
    for call in (fiserv.transaction("12345678901"), fiserv.order("nothing")):
        with pytest.raises(FiservNotFound) as missing:
            await call
        assert (missing.value.response_type, missing.value.code) == ("NotFound", "404")


async def test_the_openapi_document_is_served_and_names_every_base_path(
    fiserv: AsyncFiservClient,
) -> None:
    url = fiserv.base_url.rsplit("/gateway/v2", 1)[0] + "/openapi.json"
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        doc = await answer.json()
    assert [s["url"] for s in doc["servers"]] == [
        "/fiserv/gateway/v2",
        "/fiserv/ipp/payments-gateway/v2",
        "/fiserv/sandbox/ipp/payments-gateway/v2",
    ]
    assert {"/payments", "/payments/{transaction_id}", "/orders/{order_id}"} <= set(doc["paths"])
