"""Macropay reports disputes as ``chargeback`` and ``rdr`` notifications with chargebackInfo."""

from __future__ import annotations

import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient, parse_notification
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import VISA, CreateOrder, envelope, refused


async def paid(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    sink: WebhookSink,
    admin: AsyncSandboxAdmin,
) -> tuple[str, str, str]:
    """An order paid with a card, its payment notification received: (order, txn, payment)."""
    order = await new_order("29.95", "EUR", notification_url=sink.url_for("notify"))
    answer = await macropay.pay_with_card(order, VISA)
    await sink.received(1)
    payment = await admin.find_payment("macropay", order)
    return order, answer["transactionId"], payment["id"]


async def test_a_chargeback_is_notified_with_its_reason_and_then_its_loss(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    order, transaction, payment = await paid(macropay, new_order, webhook_sink, admin)
    await admin.dispute(payment, "chargeback", amount=1_000, reason="13.1")
    await admin.dispute(payment, "lost")
    notes = [parse_notification(d.body) for d in (await webhook_sink.received(3))[1:]]
    assert notes[0] == {
        "orderId": order,
        "transactionId": transaction,
        "transactionType": "chargeback",
        "transactionStatus": "in_process",
        "notificationDate": notes[0]["notificationDate"],
        "money": {"amount": 10, "currency": "EUR"},
        "chargebackInfo": {
            "reasonCode": "13.1",
            "category": "Consumer Disputes",
            "description": "Merchandise/Services Not Received",
        },
    }
    assert (notes[1]["transactionType"], notes[1]["transactionStatus"]) == (
        "chargeback",
        "success",
    )


@pytest.mark.parametrize(
    ("stages", "reported"),
    [
        (["inquiry", "won"], [("rdr", "in_process"), ("rdr", "failed")]),
        (["inquiry", "lost"], [("rdr", "in_process"), ("rdr", "success")]),
        (
            ["inquiry", "chargeback", "reversed"],
            [("rdr", "in_process"), ("chargeback", "in_process"), ("chargeback", "failed")],
        ),
        (["chargeback", "won"], [("chargeback", "in_process"), ("chargeback", "failed")]),
    ],
)
async def test_each_dispute_move_is_reported_as_rdr_or_chargeback(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
    stages: list[str],
    reported: list[tuple[str, str]],
) -> None:
    _order, transaction, payment = await paid(macropay, new_order, webhook_sink, admin)
    for stage in stages:
        await admin.dispute(payment, stage)
    deliveries = (await webhook_sink.received(1 + len(stages)))[1:]
    notes = [parse_notification(d.body) for d in deliveries]
    assert [(n["transactionType"], n["transactionStatus"]) for n in notes] == reported
    assert {n["transactionId"] for n in notes} == {transaction}
    assert all(n["money"] == {"amount": 29.95, "currency": "EUR"} for n in notes)


async def test_charged_back_money_cannot_be_refunded(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    _order, transaction, payment = await paid(macropay, new_order, webhook_sink, admin)
    await admin.dispute(payment, "chargeback", amount=2_000)
    error = await refused(macropay.refund(transaction, "9.96", "EUR"))
    assert (error.status, error.body) == (400, envelope("0207", "Transaction Not Permitted"))
    refund = await macropay.refund(transaction, "9.95", "EUR")
    assert refund["transactionStatus"] == "success"
