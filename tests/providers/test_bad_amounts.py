"""The issue's bad amounts, sent as raw JSON text over real HTTP: each is refused in the
provider's own envelope (never a 500, never silently rounded), and what is valid still passes."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from psp_sandbox.client.fiserv import signature
from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.macropay.conftest import API_KEY as MACROPAY_KEY
from tests.providers.macropay.conftest import VISA as MACROPAY_VISA
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO

CONTENT = {"Content-Type": "application/json"}


def tranzzo(sandbox: Sandbox, body: str) -> httpx.Response:
    headers = {
        **CONTENT,
        **sandbox.headers,
        "X-API-AUTH": f"CPAY {TRANZZO.api_key}:{TRANZZO.api_secret}",
        "X-API-KEY": TRANZZO.endpoints_key,
    }
    return httpx.post(f"{sandbox.url}/tranzzo/api/v1/payment", content=body, headers=headers)


def tranzzo_purchase(amount: str) -> str:
    return (
        f'{{"pos_id": "{TRANZZO.pos_id}", "mode": "direct", "method": "purchase", '
        f'"amount": {amount}, "currency": "UAH", "description": "d", '
        f'"order_id": "{uuid.uuid4().hex[:16]}", "order_3ds_bypass": "supported", '
        '"cc_number": "4242424242424242", "exp_month": 12, "exp_year": 30, "card_cvv": "123"}'
    )


def fiserv(sandbox: Sandbox, body: str) -> httpx.Response:
    raw = body.encode()
    request_id, timestamp = str(uuid.uuid4()), str(int(time.time() * 1000))
    headers = {
        **CONTENT,
        **sandbox.headers,
        "Api-Key": FISERV.api_key,
        "Client-Request-Id": request_id,
        "Timestamp": timestamp,
        "Message-Signature": signature(
            FISERV.api_key, str(FISERV.api_secret), request_id, timestamp, raw
        ),
    }
    return httpx.post(f"{sandbox.url}/fiserv/gateway/v2/payments", content=raw, headers=headers)


def fiserv_sale(amount: str) -> str:
    return (
        '{"requestType": "PaymentCardSaleTransaction", '
        f'"transactionAmount": {amount}, '
        '"paymentMethod": {"paymentCard": {"number": "4111111111111111", '
        '"expiryDate": {"month": "12", "year": "30"}, "securityCode": "123"}}}'
    )


def macropay(sandbox: Sandbox, path: str, body: str) -> httpx.Response:
    headers = {**CONTENT, **sandbox.headers, "x-api-key": MACROPAY_KEY}
    return httpx.post(f"{sandbox.url}/macropay/v2{path}", content=body, headers=headers)


def macropay_order(amount: str, currency: str = "EUR") -> str:
    return f'{{"money": {{"amount": {amount}, "currency": "{currency}"}}}}'


TRANZZO_INVALID = {"message": "Invalid amount provided", "args": {"code": "P-400"}}
MACROPAY_INVALID = {
    "transactionStatus": "failed",
    "error": {"code": "0300", "message": "Invalid Request"},
}
#: Not JSON at all (NaN, Infinity): Revup's parse error.
MACROPAY_UNPARSABLE = {
    "transactionStatus": "failed",
    "error": {"code": "0905", "message": "Problem Parsing Request"},
}


def tranzzo_refusal(answer: httpx.Response) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["message"], body["args"]["code"]


@pytest.mark.parametrize(
    "amount",
    [
        '"1e-999999999"',
        "1e-300",
        "1.0000000000000001",
        '"1.0000000000000001"',
        "1e300",
        '"1e999999999"',
        "0",
        "-1",
        "true",
        '"12,50"',
        "[1]",
    ],
)
def test_tranzzo_refuses_amounts_it_cannot_take_exactly_with_400(
    sandbox: Sandbox, amount: str
) -> None:
    answer = tranzzo(sandbox, tranzzo_purchase(amount))
    assert tranzzo_refusal(answer) == (400, "Invalid amount provided", "P-400"), answer.text


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e999999999", "1e-999999999"])
def test_numbers_no_json_parser_should_take_are_malformed_json_for_tranzzo(
    sandbox: Sandbox, amount: str
) -> None:
    answer = tranzzo(sandbox, tranzzo_purchase(amount))
    assert tranzzo_refusal(answer) == (400, "Request body is not valid JSON", "P-400")


@pytest.mark.parametrize(
    ("amount", "paid"), [("1e2", 100), ('"12.50"', 12.5), ("999999999.99", 999999999.99)]
)
def test_tranzzo_takes_every_exact_way_of_writing_a_valid_amount(
    sandbox: Sandbox, amount: str, paid: float
) -> None:
    answer = tranzzo(sandbox, tranzzo_purchase(amount))
    assert answer.status_code == 200, answer.text
    assert answer.json()["amount"] == paid


@pytest.mark.parametrize(
    "amount",
    [
        '{"total": "12.04", "currency": "EUR", "components": {"subtotal": "1e999999999"}}',
        '{"total": "12.04", "currency": "EUR", "components": {"subtotal": 1e999999999}}',
        '{"total": "1.0000000000000001", "currency": "EUR"}',
        '{"total": 1e-999999999, "currency": "EUR"}',
        '{"total": NaN, "currency": "EUR"}',
        '{"total": "12.04", "currency": "EUR", "components": {"tip": Infinity}}',
    ],
)
def test_fiserv_refuses_unusable_totals_and_components_with_400(
    sandbox: Sandbox, amount: str
) -> None:
    answer = fiserv(sandbox, fiserv_sale(amount))
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"] == "The request is invalid or not properly formed"


@pytest.mark.parametrize("total", ['"0"', "0", "0.00", '"0.000"'])
def test_fiserv_refuses_a_sale_of_nothing_with_10503(sandbox: Sandbox, total: str) -> None:
    answer = fiserv(sandbox, fiserv_sale(f'{{"total": {total}, "currency": "EUR"}}'))
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["message"]) == ("10503", "Invalid amount or currency")


def test_fiserv_components_that_add_up_exactly_pass(sandbox: Sandbox) -> None:
    amount = (
        '{"total": 0.3, "currency": "EUR", "components": {"subtotal": 0.1, "vatAmount": "0.2"}}'
    )
    answer = fiserv(sandbox, fiserv_sale(amount))
    assert answer.status_code == 200, answer.text
    assert answer.json()["approvedAmount"]["total"] == 0.3


@pytest.mark.parametrize(
    "amount", ["1e300", "1.0000000000000001", "0.001", '"10"', "0", "1e-300", "true", '"1e999"']
)
def test_macropay_refuses_unusable_order_amounts_with_0300(sandbox: Sandbox, amount: str) -> None:
    answer = macropay(sandbox, "/orders", macropay_order(amount))
    assert (answer.status_code, answer.json()) == (400, MACROPAY_INVALID), answer.text


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e999999999", "1e-999999999"])
def test_macropay_answers_numbers_no_json_parser_should_take_with_its_parse_error(
    sandbox: Sandbox, amount: str
) -> None:
    answer = macropay(sandbox, "/orders", macropay_order(amount))
    assert (answer.status_code, answer.json()) == (400, MACROPAY_UNPARSABLE), answer.text


@pytest.mark.parametrize(
    ("amount", "refusal"),
    [
        ("NaN", MACROPAY_UNPARSABLE),
        ("1.0000000000000001", MACROPAY_INVALID),
        ("1e999999999", MACROPAY_UNPARSABLE),
        ("1e300", MACROPAY_INVALID),
        ("-0", MACROPAY_INVALID),
    ],
)
async def test_macropay_refuses_unusable_refund_amounts_and_refunds_nothing(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, amount: str, refusal: dict[str, Any]
) -> None:
    async with AsyncMacropayClient(
        f"{sandbox.url}/macropay/v2", MACROPAY_KEY, headers=sandbox.headers
    ) as client:
        order_id = (await client.create_order(10, "EUR"))["orderId"]
        transaction = (await client.pay_with_card(order_id, MACROPAY_VISA))["transactionId"]
    answer = macropay(sandbox, f"/transactions/{transaction}/refund", macropay_order(amount))
    assert (answer.status_code, answer.json()) == (400, refusal), answer.text
    assert (await admin.find_payment("macropay", order_id))["refunded"] == 0
