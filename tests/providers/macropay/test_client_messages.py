"""The client's readers of what Revup sends: notifications and callbacks as documented."""

from __future__ import annotations

import json
from typing import Any

import pytest

from psp_sandbox.client.macropay import InvalidMessage, parse_callback, parse_notification

NOTIFICATION = {
    "orderId": "177fb1ba-7dfe-4f51-b17b-7da7163870ce",
    "transactionId": "99350098-66e0-428e-ba09-da38dce44d4d",
    "transactionType": "payment",
    "transactionStatus": "success",
    "notificationDate": "2020-03-09T15:35:11.004Z",
    "money": {"amount": 29.95, "currency": "EUR"},
}


def test_revups_documented_notification_examples_are_read() -> None:
    assert parse_notification(json.dumps(NOTIFICATION).encode()) == NOTIFICATION
    refund_failed = {
        **NOTIFICATION,
        "transactionType": "refund",
        "transactionStatus": "failed",
        "money": {"amount": 1.95, "currency": "EUR"},
        "error": {"code": "0102", "message": "Authorization Failed"},
    }
    assert parse_notification(json.dumps(refund_failed).encode())["error"]["code"] == "0102"
    chargeback = {
        **NOTIFICATION,
        "transactionType": "chargeback",
        "chargebackInfo": {"reasonCode": "10.4", "category": "Fraud", "description": "CNP"},
    }
    assert parse_notification(json.dumps(chargeback).encode()) == chargeback


@pytest.mark.parametrize(
    "changes",
    [
        {"orderId": None},
        {"transactionType": "capture"},
        {"transactionStatus": "pending"},
        {"notificationDate": "2020-03-09 15:35:11"},
        {"money": {"amount": "29.95", "currency": "EUR"}},
        {"money": {"amount": True, "currency": "EUR"}},
        {"transactionStatus": "waiting_user_interaction"},
        {
            "transactionStatus": "waiting_user_interaction",
            "action": {"url": "https://acs", "method": "REDIRECT", "headers": [], "parameters": []},
        },
        {"error": {"code": "0102"}},
        {"chargebackInfo": "fraud"},
        {"chargebackInfo": {"reasonCode": "x" * 21}},
        {"chargebackInfo": {"description": 4}},
    ],
)
def test_a_notification_that_is_not_as_documented_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidMessage):
        parse_notification(json.dumps({**NOTIFICATION, **changes}).encode())


@pytest.mark.parametrize(
    "body", [b"{", b"[]", b"{}", b"[1]", b'[{"orderId": "o"}]', b"[{}, {}, {}]"]
)
def test_a_callback_is_an_array_of_one_or_two_transactions(body: bytes) -> None:
    with pytest.raises(InvalidMessage):
        parse_callback(body)
