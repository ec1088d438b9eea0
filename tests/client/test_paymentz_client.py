"""The Paymentz client's own reading of the documentation: checksums, amounts, XML, and when it
buys a new token — its flows driven by hand, without a network."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from psp_sandbox.client import Answer, Flow
from psp_sandbox.client.paymentz import (
    Card,
    InvalidCallback,
    PaymentzApi,
    PaymentzAuthError,
    PaymentzCredentials,
    amount_text,
    checksum,
    verify_redirect,
    xml_to_dict,
)

CREDENTIALS = PaymentzCredentials("11344", "key")
CARD = Card("4111110000000021", 1, 2030, "123")


def token(exp: int) -> str:
    claims = base64.urlsafe_b64encode(json.dumps({"exp": exp}).encode()).decode().rstrip("=")
    return f"e30.{claims}.signature"


def json_answer(status: int, body: dict[str, Any]) -> Answer:
    return Answer(status, {"Content-Type": "application/json"}, json.dumps(body))


def drive(flow: Flow[Any], answers: list[Answer]) -> tuple[Any, list[Any]]:
    """Run a flow on canned answers; return its result and the requests it made."""
    sent = [next(flow)]
    try:
        for answer in answers:
            sent.append(flow.send(answer))
    except StopIteration as done:
        return done.value, sent
    raise AssertionError("the flow wants more answers")


def test_amounts_are_sent_as_their_two_decimal_text() -> None:
    assert [amount_text(a) for a in (50, "50", "50.5", "0.01")] == [
        "50.00",
        "50.00",
        "50.50",
        "0.01",
    ]
    with pytest.raises(ValueError, match="more than two decimals"):
        amount_text("1.005")


def test_checksums_are_lowercase_md5_of_the_fields_joined_with_pipes() -> None:
    expected = hashlib.md5(b"11344|key|o-1|50.00").hexdigest()
    assert checksum("11344", "key", "o-1", "50.00") == expected == expected.lower()


def test_a_redirect_back_is_checked_with_the_short_status() -> None:
    fields = {"paymentId": "1", "merchantTransactionId": "o-1", "amount": "5.00", "status": "Y"}
    signed = {**fields, "checksum": checksum("1", "o-1", "5.00", "Y", "key")}
    assert verify_redirect(signed, "key") == signed
    with pytest.raises(InvalidCallback):
        verify_redirect({**signed, "status": "N"}, "key")


def test_xml_answers_read_as_the_json_ones() -> None:
    text = (
        "<?xml version='1.0' encoding='UTF-8'?><response><paymentId>7</paymentId>"
        "<result><code>00001</code><description>ok</description></result><holder/>"
        "<redirect><parameters><parameter><name>MD</name><value>x</value></parameter>"
        "</parameters></redirect><transactions/></response>"
    )
    assert xml_to_dict(text) == {
        "paymentId": "7",
        "result": {"code": "00001", "description": "ok"},
        "holder": "",
        "redirect": {"parameters": [{"name": "MD", "value": "x"}]},
        "transactions": [],
    }


def test_the_first_call_buys_a_token_and_later_calls_reuse_it() -> None:
    api = PaymentzApi(CREDENTIALS, clock=lambda: 1_000.0)
    bought = json_answer(200, {"AuthToken": token(4_600)})
    paid = json_answer(200, {"transactionStatus": "Y"})
    result, sent = drive(api.debit("o-1", "5", "EUR", CARD), [bought, paid])
    assert result == {"transactionStatus": "Y"}
    assert [r.path for r in sent] == [
        "/transactionServices/REST/v1/authToken",
        "/transactionServices/REST/v1/payments",
    ]
    form = parse_qs(sent[1].body.decode())
    assert (form["amount"], form["card.expiryMonth"], sent[1].headers["AuthToken"]) == (
        ["5.00"],
        ["01"],
        token(4_600),
    )
    _, again = drive(api.inquire("1"), [paid])
    assert [r.path for r in again] == ["/transactionServices/REST/v1/payments/1"]


def test_a_token_near_its_exp_claim_is_renewed_before_the_call() -> None:
    now = [1_000.0]
    api = PaymentzApi(CREDENTIALS, clock=lambda: now[0])
    drive(api.auth_token(), [json_answer(200, {"AuthToken": token(4_600)})])
    now[0] = 4_580.0
    fresh = json_answer(200, {"AuthToken": token(8_200)})
    _, sent = drive(api.inquire("1"), [fresh, json_answer(200, {})])
    assert sent[0].path.endswith("/authToken") and api.token == token(8_200)


def test_a_token_the_gateway_calls_expired_is_renewed_once_and_the_call_sent_again() -> None:
    api = PaymentzApi(CREDENTIALS, clock=lambda: 1_000.0)
    drive(api.auth_token(), [json_answer(200, {"AuthToken": token(4_600)})])
    expired = json_answer(401, {"result": {"code": "12003", "description": "expired"}})
    fresh = json_answer(200, {"AuthToken": token(9_999)})
    result, sent = drive(api.inquire("1"), [expired, fresh, json_answer(200, {"ok": "1"})])
    assert result == {"ok": "1"}
    assert [r.path.rsplit("/", 1)[-1] for r in sent] == ["1", "authToken", "1"]
    with pytest.raises(PaymentzAuthError):
        drive(api.inquire("1"), [expired, fresh, expired])


def test_json_bodies_nest_the_dotted_names() -> None:
    api = PaymentzApi(CREDENTIALS, encoding="json", accept="xml", clock=lambda: 0.0)
    drive(api.auth_token(), [json_answer(200, {"AuthToken": token(4_600)})])
    sent = next(api.capture("9", "1.5"))
    body = json.loads(sent.body or b"")
    assert body["authentication"]["memberId"] == "11344"
    assert (body["amount"], body["paymentType"], sent.headers["Accept"]) == (
        "1.50",
        "CP",
        "application/xml",
    )
