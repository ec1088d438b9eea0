"""The webhooks ``psp-sandbox trigger tranzzo`` can send: one per method and final status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...merchant.samples import Merchant, Sample

APPROVED = "4242424242424242"
DECLINED = "4000000000000002"


def _payment(merchant: Merchant, method: str, order: str, card: str) -> dict[str, Any]:
    return {
        "pos_id": merchant.credential.extra["pos_id"],
        "mode": "direct",
        "method": method,
        "amount": 100,
        "currency": "UAH",
        "description": f"psp-sandbox trigger: {order}",
        "order_id": order,
        "order_3ds_bypass": "always",
        "cc_number": card,
        "exp_month": 12,
        "exp_year": 30,
        "card_cvv": "123",
        "server_url": merchant.hook,
    }


def _primary(method: str, card: str) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        await merchant.call("POST", "/api/v1/payment", _payment(merchant, method, method, card))

    return run


def _after_auth(method: str, body: dict[str, Any]) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        first = "purchase" if method == "refund" else "auth"
        await merchant.call("POST", "/api/v1/payment", _payment(merchant, first, method, APPROVED))
        secondary = {
            "pos_id": merchant.credential.extra["pos_id"],
            "order_id": method,
            "order_currency": "UAH",
            "server_url": merchant.hook,
            **body,
        }
        await merchant.call("POST", f"/api/v1/{method}", secondary)

    return run


SAMPLES = {
    "purchase.success": Sample("A card purchase approved", _primary("purchase", APPROVED)),
    "purchase.failure": Sample("A card purchase declined", _primary("purchase", DECLINED)),
    "auth.success": Sample("A card authorization approved", _primary("auth", APPROVED)),
    "auth.failure": Sample("A card authorization declined", _primary("auth", DECLINED)),
    "capture.success": Sample(
        "A partial capture of an authorization", _after_auth("capture", {"charge_amount": 60})
    ),
    "void.success": Sample("A void of an authorization", _after_auth("void", {})),
    "refund.success": Sample(
        "A partial refund of a purchase", _after_auth("refund", {"refund_amount": 30})
    ),
    "credit.success": Sample("A credit (payout) to a card", _primary("credit", APPROVED)),
}
