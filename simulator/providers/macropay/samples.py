"""The messages ``psp-sandbox trigger macropay`` can send: notifications of a payment and a
refund in each status they take, and the callback to ``redirectUrl``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...merchant.samples import Merchant, Sample

APPROVED = "4111111111111111"
DECLINED = "4000000000000002"
#: Pending, then approved after a delay (the neutral magic card): in_process, then success.
PENDING = "4000000000000259"
CHALLENGE = "4000000000003220"


async def _order(merchant: Merchant, card: str) -> tuple[str, dict[str, Any]]:
    order = await merchant.call(
        "POST",
        "/v2/orders",
        {
            "money": {"amount": 12.5, "currency": "EUR"},
            "description": "psp-sandbox trigger",
            "notificationUrl": merchant.hook,
            "redirectUrl": {"success": merchant.hook, "fail": merchant.hook},
        },
    )
    data = {
        "cardNumber": card,
        "cardHolderName": "Ana Test",
        "expiryMonth": 12,
        "expiryYear": 2030,
        "cvv": "123",
    }
    paid = await merchant.call(
        "POST", f"/v2/orders/{order['orderId']}/pay", {"paymentMethod": "credit_card", "data": data}
    )
    return order["orderId"], paid


def _pay(card: str, wait: float = 0) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        await _order(merchant, card)
        if wait:
            await merchant.admin("POST", "/clock", {"advance_seconds": wait})

    return run


async def _refund(merchant: Merchant) -> None:
    _order_id, paid = await _order(merchant, APPROVED)
    body = {"money": {"amount": 5, "currency": "EUR"}, "reason": "psp-sandbox trigger"}
    await merchant.call("POST", f"/v2/transactions/{paid['transactionId']}/refund", body)


SAMPLES = {
    "payment.success": Sample(
        "A payment that succeeds after in_process (pending, then approved)", _pay(PENDING, 5)
    ),
    "payment.in_process": Sample("A payment waiting for the processor", _pay(PENDING)),
    "payment.failed": Sample("A declined payment", _pay(DECLINED)),
    "payment.waiting_user_interaction": Sample(
        "A payment waiting for 3-D Secure, with its action", _pay(CHALLENGE)
    ),
    "refund.success": Sample("A partial refund of a payment", _refund),
    "callback": Sample("The callback array POSTed to redirectUrl after a payment", _pay(APPROVED)),
}
