"""Callbacks to notificationUrl: the documented body and checksum for every final result,
retried on the default schedule, in the delivery log."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from psp_sandbox.client.paymentz import (
    AsyncPaymentzClient,
    InvalidCallback,
    callback_checksum,
    parse_callback,
    verify_callback,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.paymentz import checksums
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.waiting import attempts_recorded

from .conftest import KEY, VISA, card

DOCUMENTED_FIELDS = {
    "paymentId", "status", "transactionStatus", "paymentBrand", "paymentMode", "firstName",
    "lastName", "amount", "currency", "descriptor", "merchantTransactionId", "remark",
    "tmpl_amount", "tmpl_currency", "checksum", "result", "customer", "card", "timestamp", "eci",
    "bankReferenceId", "terminalId",
}  # fmt: skip


def test_the_documented_callback_checksum_example() -> None:
    """paymentz.md §3.3: ``77251|011E1D8A5C034|156.00|N|<key>``."""
    key = "secret-key"
    expected = hashlib.md5(b"77251|011E1D8A5C034|156.00|N|secret-key").hexdigest()
    assert checksums.callback("77251", "011E1D8A5C034", "156.00", "N", key) == expected
    assert callback_checksum("77251", "011E1D8A5C034", "156.00", "N", key) == expected
    assert checksums.callback("77251", "011E1D8A5C034", "156", "N", key) != expected


async def test_a_debit_is_called_back_with_the_documented_body_and_a_valid_checksum(
    paymentz: AsyncPaymentzClient, webhook_sink: WebhookSink
) -> None:
    answer = await paymentz.debit(
        "o-1",
        "156.00",
        "EUR",
        VISA,
        notification_url=webhook_sink.url_for("notify"),
        **{"customer.givenName": "Ana", "customer.surname": "Test", "customer.email": "a@b.c"},
    )
    [delivery] = await webhook_sink.received(1)
    body = parse_callback(delivery.body, KEY)
    assert delivery.headers["Content-Type"] == "application/json"
    assert set(body) >= DOCUMENTED_FIELDS
    assert (body["paymentId"], body["merchantTransactionId"], body["amount"]) == (
        answer["paymentId"],
        "o-1",
        "156.00",
    )
    assert (body["status"], body["transactionStatus"], body["paymentType"]) == (
        "capturesuccess",
        "Y",
        "DB",
    )
    assert (body["firstName"], body["lastName"], body["customer"]) == (
        "Ana",
        "Test",
        {"email": "a@b.c", "id": ""},
    )
    assert body["card"] == {
        "bin": "411111",
        "lastFourDigits": "0021",
        "last4Digits": "0021",
        "expiryMonth": "12",
        "expiryYear": "2030",
    }
    assert body["result"] == {"code": "00001", "description": "Transaction succeeded"}


async def test_a_callback_with_a_wrong_checksum_is_told_apart(
    paymentz: AsyncPaymentzClient, webhook_sink: WebhookSink
) -> None:
    await paymentz.debit("o-1", "1.00", "EUR", VISA, notification_url=webhook_sink.url_for())
    [delivery] = await webhook_sink.received(1)
    body: dict[str, Any] = json.loads(delivery.body)
    verify_callback(body, KEY)
    with pytest.raises(InvalidCallback):
        verify_callback({**body, "amount": "1"}, KEY)
    with pytest.raises(InvalidCallback):
        verify_callback(body, "another-key")


async def test_every_backoffice_result_is_called_back(
    paymentz: AsyncPaymentzClient, webhook_sink: WebhookSink
) -> None:
    url = webhook_sink.url_for("notify")
    first = await paymentz.preauth("o-1", "100.00", "EUR", VISA, notification_url=url)
    await paymentz.capture(first["paymentId"], "60.00")
    await paymentz.refund(first["paymentId"], "20.00")
    second = await paymentz.preauth("o-2", "5.00", "EUR", VISA, notification_url=url)
    await paymentz.reverse(second["paymentId"])
    deliveries = await webhook_sink.received(5)
    seen = [
        (
            b["merchantTransactionId"],
            b["paymentType"],
            b["amount"],
            b["status"],
            b["transactionStatus"],
        )
        for b in (parse_callback(d.body, KEY) for d in deliveries)
    ]
    assert sorted(seen) == sorted(
        [
            ("o-1", "PA", "100.00", "authsuccessful", "Y"),
            ("o-1", "CP", "60.00", "capturesuccess", "Y"),
            ("o-1", "RF", "20.00", "reversed", "Y"),
            ("o-2", "PA", "5.00", "authsuccessful", "Y"),
            ("o-2", "RV", "5.00", "cancelled", "C"),
        ]
    )


async def test_a_pending_payment_is_called_back_only_once_it_has_its_result(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    await paymentz.debit(
        "o-1", "1.00", "EUR", card("4000000000000267"), notification_url=webhook_sink.url_for()
    )
    payment = await admin.find_payment("paymentz", "o-1")
    assert await admin.webhooks(payment_id=payment["id"]) == []
    await admin.advance_clock(5)
    [delivery] = await webhook_sink.received(1)
    body = parse_callback(delivery.body, KEY)
    assert (body["status"], body["transactionStatus"], body["result"]["code"]) == (
        "authfailed",
        "N",
        "10001",
    )


async def test_a_refused_callback_is_retried_on_the_default_schedule(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    webhook_sink.respond_with(500, 503)
    await paymentz.debit("o-1", "1.00", "EUR", VISA, notification_url=webhook_sink.url_for())
    payment = await admin.find_payment("paymentz", "o-1")
    await attempts_recorded(admin, payment["id"], 1)
    await admin.advance_clock(10)
    await attempts_recorded(admin, payment["id"], 2)
    await admin.advance_clock(30)
    [hook] = await attempts_recorded(admin, payment["id"], 3)
    assert [a["status"] for a in hook["attempts"]] == [500, 503, 200]
    assert (hook["state"], hook["event"]) == ("delivered", "DB.Y")
    bodies = {d.body for d in webhook_sink.deliveries}
    assert len(bodies) == 1  # the same body, the same checksum, every time
