"""Macropay notifications (every status change, retried until a 200) and the redirect callback."""

from __future__ import annotations

import json

from psp_sandbox.client.macropay import (
    AsyncMacropayClient,
    RedirectUrls,
    parse_callback,
    parse_notification,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.macropay import webhooks
from psp_sandbox.simulator.testing.sink import Delivery, WebhookSink

from .conftest import VISA, CreateOrder, card, settled


def on(path: str):  # type: ignore[no-untyped-def]
    return lambda d: d.path == path


def statuses(deliveries: list[Delivery]) -> list[str]:
    return [parse_notification(d.body)["transactionStatus"] for d in deliveries]


async def test_a_payment_notification_carries_the_documented_fields(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    order = await new_order("29.95", "EUR", notification_url=webhook_sink.url_for("notify"))
    answer = await macropay.pay_with_card(order, VISA)
    [delivery] = await webhook_sink.received(1)
    assert delivery.headers["Content-Type"] == "application/json"
    body = parse_notification(delivery.body)
    assert body == {
        "orderId": order,
        "transactionId": answer["transactionId"],
        "transactionType": "payment",
        "transactionStatus": "success",
        "notificationDate": body["notificationDate"],
        "money": {"amount": 29.95, "currency": "EUR"},
    }


async def test_a_failed_payment_notification_carries_its_error(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    for number, code, message in (
        ("4000000000000002", "0102", "Authorization Failed"),
        ("4000000000000069", "0204", "Expired Card"),
        ("4000000000000127", "0309", "Invalid CVV"),
    ):
        order = await new_order(notification_url=webhook_sink.url_for(number))
        await macropay.pay_with_card(order, card(number))
        [delivery] = await webhook_sink.received(1, where=on(f"/{number}"))
        body = parse_notification(delivery.body)
        assert (body["transactionStatus"], body["error"]) == (
            "failed",
            {"code": code, "message": message},
        )


async def test_an_in_process_payment_is_notified_when_it_completes_and_retried_until_200(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    order = await new_order(notification_url=webhook_sink.url_for("notify"))
    answer = await macropay.pay_with_card(order, card("4000000000000259"))
    assert answer["transactionStatus"] == "in_process"
    assert statuses(await webhook_sink.received(1)) == ["in_process"]
    await settled(admin, order, "payment.in_process", 1)
    webhook_sink.respond_with(500)
    await admin.advance_clock(5)
    refused = await webhook_sink.received(2)
    assert statuses(refused) == ["in_process", "success"]
    assert refused[-1].answered == 500
    await settled(admin, order, "payment.success", 1)
    await admin.advance_clock(10)
    delivered = await webhook_sink.received(3)
    assert statuses(delivered) == ["in_process", "success", "success"]
    assert delivered[-1].answered == 200
    assert delivered[1].body == delivered[2].body
    final = await settled(admin, order, "payment.success", 2)
    assert (final["state"], [a["status"] for a in final["attempts"]]) == ("delivered", [500, 200])


async def test_only_a_200_answer_counts_as_delivered(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    webhook_sink.respond_with(201, 204)
    order = await new_order(notification_url=webhook_sink.url_for("notify"))
    await macropay.pay_with_card(order, VISA)
    await webhook_sink.received(1)
    await settled(admin, order, "payment.success", 1)
    await admin.advance_clock(10)
    await webhook_sink.received(2)
    await settled(admin, order, "payment.success", 2)
    await admin.advance_clock(30)
    answered = [d.answered for d in await webhook_sink.received(3)]
    assert answered == [201, 204, 200]
    assert webhooks.PROFILE.timeout_seconds == 20


async def test_refunds_are_notified_as_refund_transactions(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    order = await new_order("10", "EUR", notification_url=webhook_sink.url_for("notify"))
    paid = await macropay.pay_with_card(order, VISA)
    refund = await macropay.refund(paid["transactionId"], "1.95", "EUR")
    await admin.queue_outcome("declined", operation="refund", provider="macropay")
    declined = await macropay.refund(paid["transactionId"], "1", "EUR")
    bodies = [parse_notification(d.body) for d in await webhook_sink.received(3)]
    assert bodies[1]["transactionId"] == refund["transactionId"]
    assert (bodies[1]["transactionType"], bodies[1]["transactionStatus"]) == ("refund", "success")
    assert bodies[1]["money"] == {"amount": 1.95, "currency": "EUR"}
    assert bodies[2]["transactionId"] == declined["transactionId"]
    assert bodies[2]["error"] == {"code": "0102", "message": "Authorization Failed"}
    assert {b["orderId"] for b in bodies} == {order}


async def test_without_a_notification_url_nothing_is_sent(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    order = await new_order()
    await macropay.pay_with_card(order, VISA)
    payment = await admin.find_payment("macropay", order)
    assert await admin.webhooks(payment_id=payment["id"]) == []


async def test_the_callback_posts_the_transaction_list_to_the_success_or_fail_url(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    urls = RedirectUrls(webhook_sink.url_for("ok"), webhook_sink.url_for("ko"))
    good = await new_order(
        "9.98",
        "EUR",
        redirect_url=urls,
        generate_token=True,
        description="entertainment subscription",
        user_information={"ip": "251.251.213.216", "country": "ES"},
    )
    paid = await macropay.pay_with_card(good, VISA)
    [ok] = await webhook_sink.received(1, where=on("/ok"))
    [element] = parse_callback(ok.body)
    assert (element["orderId"], element["transactionId"]) == (good, paid["transactionId"])
    assert element["transactionStatus"] == "success"
    assert element["tokenId"] == (await macropay.transaction(paid["transactionId"]))["tokenId"]
    assert element["cardInfo"]["cardNumber"] == "411111******1111"
    assert element["cardInfo"]["cardHolder"] == "Ana Test"
    assert element["cardInfo"]["expireDate"] == {"year": "2030", "month": "12"}
    assert element["orderInfo"]["money"] == {"amount": 9.98, "currency": "EUR"}
    assert element["orderInfo"]["description"] == "entertainment subscription"
    assert element["liabilityShift"] is False
    assert set(element["mid"]) == {"id", "providerApi", "paymentSolution"}
    assert "4111111111111111" not in ok.body.decode()
    bad = await new_order(redirect_url=urls)
    await macropay.pay_with_card(bad, card("4000000000000002"))
    [ko] = await webhook_sink.received(1, where=on("/ko"))
    [failed] = parse_callback(ko.body)
    assert failed["transactionStatus"] == "failed" and "tokenId" not in failed


async def test_an_in_process_payment_calls_back_the_success_url_once(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    admin: AsyncSandboxAdmin,
    webhook_sink: WebhookSink,
) -> None:
    urls = RedirectUrls(webhook_sink.url_for("ok"), webhook_sink.url_for("ko"))
    order = await new_order(redirect_url=urls)
    await macropay.pay_with_card(order, card("4000000000000267"))
    [ok] = await webhook_sink.received(1, where=on("/ok"))
    assert parse_callback(ok.body)[0]["transactionStatus"] == "in_process"
    await admin.advance_clock(60)
    assert [d.path for d in webhook_sink.deliveries] == ["/ok"]


async def test_a_fallback_mid_makes_a_two_element_callback_with_the_failed_attempt_first(
    macropay: AsyncMacropayClient, new_order: CreateOrder, webhook_sink: WebhookSink
) -> None:
    urls = RedirectUrls(webhook_sink.url_for("ok"), webhook_sink.url_for("ko"))
    order = await new_order(redirect_url=urls, notification_url=webhook_sink.url_for("notify"))
    paid = await macropay.pay_with_card(order, card("4000000000001018"))
    assert paid["transactionStatus"] == "success"
    [ok] = await webhook_sink.received(1, where=on("/ok"))
    first, second = parse_callback(ok.body)
    assert (first["transactionStatus"], second["transactionStatus"]) == ("failed", "success")
    assert second["transactionId"] == paid["transactionId"] != first["transactionId"]
    assert first["createdAt"] <= second["createdAt"]
    assert first["mid"]["id"] != second["mid"]["id"]
    notified = await webhook_sink.received(2, where=on("/notify"))
    assert statuses(notified) == ["failed", "success"]
    attempt = await macropay.transaction(first["transactionId"])
    assert (attempt["transactionStatus"], attempt["orderId"]) == ("failed", order)
    assert json.loads(notified[0].body)["transactionId"] == first["transactionId"]
