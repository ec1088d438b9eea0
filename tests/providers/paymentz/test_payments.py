"""POST /payments: debits and preauths by card, their answers, the test cards, and every way a
payment request is refused — in JSON and XML, from forms and JSON bodies alike."""

from __future__ import annotations

import json
import re

import pytest

from psp_sandbox.client.paymentz import AsyncPaymentzClient, checksum
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import (
    ENCODINGS,
    KEY,
    MEMBER,
    VISA,
    Raw,
    card,
    payment_fields,
    read,
    refused,
    result_of,
)

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


async def test_a_debit_answers_the_documented_fields(paymentz: AsyncPaymentzClient) -> None:
    answer = await paymentz.debit("o-1", "2.88", "EUR", VISA, orderDescriptor="Tea")
    assert answer["paymentId"].isdigit()
    assert {k: answer[k] for k in ("paymentType", "paymentBrand", "paymentMode")} == {
        "paymentType": "DB",
        "paymentBrand": "VISA",
        "paymentMode": "CC",
    }
    assert (answer["amount"], answer["currency"], answer["merchantTransactionId"]) == (
        "2.88",
        "EUR",
        "o-1",
    )
    assert answer["result"] == {"code": "00001", "description": "Transaction succeeded"}
    assert answer["transactionStatus"] == "Y"
    assert answer["card"] == {
        "bin": "411111",
        "last4Digits": "0021",
        "holder": "Ana Test",
        "expiryMonth": "12",
        "expiryYear": "2030",
    }
    assert TIMESTAMP.match(answer["timestamp"])
    assert answer["descriptor"] == "PSP Sandbox EUR Test"


async def test_a_preauth_is_authorized_and_inquired_as_authsuccessful(
    paymentz: AsyncPaymentzClient,
) -> None:
    answer = await paymentz.preauth("o-1", "10.00", "EUR", VISA)
    assert (answer["paymentType"], answer["transactionStatus"]) == ("PA", "Y")
    found = await paymentz.inquire(answer["paymentId"])
    assert (found["status"], found["transactionStatus"]) == ("authsuccessful", "Y")
    assert found["result"] == {"code": "00026", "description": "Your record found successfully"}
    assert (found["capturedAmount"], found["refundedAmount"]) == ("0.00", "0.00")


@pytest.mark.parametrize("number", ["4111110000000021", "4000000000000051", "5105105105105100"])
async def test_the_documented_test_cards_are_approved(
    paymentz: AsyncPaymentzClient, number: str
) -> None:
    answer = await paymentz.debit("o-1", "1.00", "EUR", card(number))
    assert (answer["transactionStatus"], answer["result"]["code"]) == ("Y", "00001")
    assert answer["paymentBrand"] == ("MC" if number.startswith("5") else "VISA")


@pytest.mark.parametrize(
    ("number", "remark", "status"),
    [
        ("4000000000000002", "Do not honour", "authfailed"),
        ("4000000000009995", "Insufficient funds", "authfailed"),
        ("4000000000000069", "Expired card", "authfailed"),
        ("4000000000000127", "Invalid CVV", "authfailed"),
        ("4000000000000119", "System malfunction", "failed"),
    ],
)
async def test_declining_cards_answer_n_with_10001_and_the_banks_remark(
    paymentz: AsyncPaymentzClient, number: str, remark: str, status: str
) -> None:
    answer = await paymentz.debit("o-1", "1.00", "EUR", card(number))
    assert answer["transactionStatus"] == "N"
    assert answer["result"] == {"code": "10001", "description": "Transaction failed"}
    assert answer["remark"] == remark
    assert (await paymentz.inquire(answer["paymentId"]))["status"] == status


async def test_a_card_past_its_expiry_is_declined_as_expired(paymentz: AsyncPaymentzClient) -> None:
    answer = await paymentz.debit("o-1", "1.00", "EUR", card("4111111111111111", expiry_year=2020))
    assert (answer["transactionStatus"], answer["remark"]) == ("N", "Expired card")


@pytest.mark.parametrize(
    ("number", "final"), [("4000000000000259", "Y"), ("4000000000000267", "N")]
)
async def test_a_pending_card_answers_p_then_completes_on_the_tenant_clock(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin, number: str, final: str
) -> None:
    answer = await paymentz.debit("o-1", "1.00", "EUR", card(number))
    assert (answer["transactionStatus"], answer["result"]["code"]) == ("P", "00002")
    assert (await paymentz.inquire(answer["paymentId"]))["status"] == "authstarted"
    await admin.advance_clock(5)
    found = await paymentz.inquire(answer["paymentId"])
    assert found["transactionStatus"] == final
    assert found["status"] == ("capturesuccess" if final == "Y" else "authfailed")


async def test_queued_outcomes_decide_the_next_payment(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.queue_outcome("insufficient_funds", provider="paymentz")
    declined = await paymentz.debit("o-1", "1.00", "EUR", VISA)
    approved = await paymentz.debit("o-2", "1.00", "EUR", VISA)
    assert (declined["transactionStatus"], declined["remark"]) == ("N", "Insufficient funds")
    assert approved["transactionStatus"] == "Y"


async def test_a_merchant_transaction_id_is_used_once(paymentz: AsyncPaymentzClient) -> None:
    await paymentz.debit("o-1", "1.00", "EUR", card("4000000000000002"))
    error = await refused(paymentz.debit("o-1", "1.00", "EUR", VISA), 409, "13001")
    assert error.description == "Duplicate merchantTransactionId"


@pytest.mark.parametrize("encoding", ENCODINGS)
async def test_forms_and_json_flat_or_nested_are_the_same_request(raw: Raw, encoding: str) -> None:
    answer = await raw.post(
        "/payments", payment_fields("o-1", **{"customer.email": "a@b.c"}), encoding=encoding
    )
    assert answer.status_code == 200
    body = read(answer)
    assert (body["transactionStatus"], body["card"]["last4Digits"]) == ("Y", "0021")


async def test_json_may_mix_dotted_and_nested_names(raw: Raw) -> None:
    fields = payment_fields("o-1")
    body = {k: v for k, v in fields.items() if not k.startswith("card.")}
    body["card"] = {k.split(".", 1)[1]: v for k, v in fields.items() if k.startswith("card.")}
    answer = await raw.http.post(
        raw.url + "/payments",
        content=json.dumps(body),
        headers={**raw.headers, "AuthToken": raw.token, "Content-Type": "application/json"},
    )
    assert (answer.status_code, read(answer)["transactionStatus"]) == (200, "Y")


@pytest.mark.parametrize(
    ("amount", "signed", "status", "code"),
    [
        # A float parser reads 12.34 and the checksum over "12.34" would pass: never rounded.
        ("12.340000000000000001", "12.34", 400, "11002"),
        ("50.00", "50.00", 200, "00001"),
        ("1e999999999", "1e999999999", 400, "11003"),
        ("NaN", "NaN", 400, "11003"),
    ],
)
async def test_a_json_amount_is_read_exactly_as_written(
    raw: Raw, amount: str, signed: str, status: int, code: str
) -> None:
    fields = payment_fields("o-1", amount=signed)
    body = json.dumps(fields).replace(f'"amount": "{signed}"', f'"amount": {amount}')
    answer = await raw.http.post(
        raw.url + "/payments",
        content=body,
        headers={**raw.headers, "AuthToken": raw.token, "Content-Type": "application/json"},
    )
    assert result_of(answer) == (status, code), answer.text


# --- refusals, exact codes, JSON and XML --------------------------------------------------


#: Checksums over the amounts some rows send instead of 50.00.
SUM_50 = checksum(MEMBER, KEY, "o-1", "50")
SUM_0 = checksum(MEMBER, KEY, "o-1", "0.00")
SUM_UPPER = checksum(MEMBER, KEY, "o-1", "50.00").upper()
MISSING, INVALID = "11001 Missing parameter: ", "11002 Invalid parameter: "
STATUS = {"11001": 400, "11002": 400, "11005": 400, "11009": 400, "11006": 403}


@pytest.mark.parametrize("xml", [False, True], ids=["json", "xml"])
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"currency": None}, MISSING + "currency"),
        ({"card.cvv": None}, MISSING + "card.cvv"),
        ({"amount": "50", "authentication.checksum": SUM_50}, INVALID + "amount"),
        ({"amount": "0.00", "authentication.checksum": SUM_0}, INVALID + "amount"),
        ({"amount": "123456789.00"}, INVALID + "amount"),
        ({"currency": "EURO"}, INVALID + "currency"),
        ({"paymentType": "XX"}, INVALID + "paymentType"),
        ({"card.expiryMonth": "13"}, INVALID + "card.expiryMonth"),
        ({"card.expiryYear": "30"}, INVALID + "card.expiryYear"),
        ({"merchantTransactionId": "x" * 101}, INVALID + "merchantTransactionId"),
        ({"notificationUrl": "https://shop.example/" + "n" * 90}, INVALID + "notificationUrl"),
        ({"customer.givenName": "Ana\x07"}, INVALID + "customer.givenName"),
        ({"card.number": "4111110000000022"}, "11005 Invalid card number"),
        ({"card.number": "4111-1100-0000-0021"}, "11005 Invalid card number"),
        ({"paymentMode": "EW"}, "11009 Payment mode not supported"),
        ({"paymentBrand": "MC"}, INVALID + "paymentBrand"),
        ({"recurringType": "REPEATED"}, INVALID + "recurringType"),
        ({"authentication.checksum": SUM_50}, "11006 Checksum mismatch"),
        ({"authentication.checksum": SUM_UPPER}, "11006 Checksum mismatch"),
    ],
)
async def test_a_bad_payment_request_is_refused_with_its_code(
    raw: Raw, xml: bool, change: dict[str, str | None], expected: str
) -> None:
    fields = payment_fields("o-1")
    for name, value in change.items():
        if value is None:
            del fields[name]
        else:
            fields[name] = value
    answer = await raw.post("/payments", fields, xml=xml)
    wanted = "application/xml" if xml else "application/json"
    assert answer.headers["Content-Type"].startswith(wanted)
    body = read(answer)
    code, description = expected.split(" ", 1)
    assert answer.status_code == STATUS[code]
    assert body["result"] == {"code": code, "description": description}
    assert TIMESTAMP.match(body["timestamp"])


@pytest.mark.parametrize("xml", [False, True], ids=["json", "xml"])
@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("application/json", b"{not json", 400, "11003"),
        ("application/json", b"[1, 2]", 400, "11003"),
        ("application/x-www-form-urlencoded", b"a&&b", 400, "11003"),
        ("application/x-www-form-urlencoded", b"card=1&card.number=2", 400, "11003"),
        ("application/x-www-form-urlencoded", b"amount=%ff", 400, "11003"),
        ("text/plain", b"amount=1", 415, "11004"),
        ("multipart/form-data; boundary=x", b"--x--", 415, "11004"),
    ],
)
async def test_a_body_that_is_neither_form_nor_json_object_is_refused(
    raw: Raw, xml: bool, content_type: str, body: bytes, status: int, code: str
) -> None:
    headers = {**raw.headers, "AuthToken": raw.token, "Content-Type": content_type}
    if xml:
        headers["Accept"] = "text/xml"
    answer = await raw.http.post(raw.url + "/payments", content=body, headers=headers)
    assert result_of(answer) == (status, code)


async def test_an_unknown_endpoint_and_a_wrong_method_answer_in_the_envelope(raw: Raw) -> None:
    missing = await raw.http.post(raw.url + "/nothing", headers=raw.headers)
    wrong = await raw.http.delete(raw.url + "/payments", headers=raw.headers)
    assert result_of(missing) == (404, "11007")
    assert result_of(wrong) == (405, "11008")


async def test_the_admin_api_lists_the_paymentz_test_cards_first(admin: AsyncSandboxAdmin) -> None:
    listed = (await admin.magic())["paymentz"]
    own = [c["card_number"] for c in listed if c["source"] == "provider"]
    assert own == ["4111110000000021", "4000000000000051", "5105105105105100"]
    assert {"4000000000003220", "4000000000000002"} <= {c["card_number"] for c in listed}
