"""The callbacks ``psp-sandbox trigger paymentz`` can send, named ``<paymentType>.<status>``:
a debit approved (``DB.Y``) or declined (``DB.N``), a preauth (``PA.Y``), its capture
(``CP.Y``) and reversal (``RV.C``), a refund (``RF.Y``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...merchant.samples import Merchant, Sample
from . import checksums

APPROVED = "4111111111111111"
DECLINED = "4000000000000002"
BASE = "/transactionServices/REST/v1"


async def _pay(merchant: Merchant, kind: str, card: str) -> Any:
    member, key = merchant.credential.key, merchant.credential.secret or ""
    reference, amount = f"trigger-{kind}-{card[-4:]}", "25.00"
    return await merchant.call(
        "POST",
        f"{BASE}/payments",
        {
            "authentication": {
                "memberId": member,
                "checksum": checksums.payment(member, key, reference, amount),
            },
            "merchantTransactionId": reference,
            "amount": amount,
            "currency": "EUR",
            "paymentType": kind,
            "card": {"number": card, "expiryMonth": "12", "expiryYear": "2030", "cvv": "123"},
            "customer": {"email": "ana@example.com"},
            "notificationUrl": merchant.hook,
        },
    )


def _payment(kind: str, card: str) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        await _pay(merchant, kind, card)

    return run


def _then(first: str, kind: str, amount: str | None) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        paid = await _pay(merchant, first, APPROVED)
        member, key = merchant.credential.key, merchant.credential.secret or ""
        payment_id = paid["paymentId"]
        checksum = (
            checksums.with_amount(member, key, payment_id, amount)
            if amount is not None
            else checksums.by_payment_id(member, key, payment_id)
        )
        body: dict[str, Any] = {
            "authentication": {"memberId": member, "checksum": checksum},
            "paymentType": kind,
        }
        if amount is not None:
            body.update(amount=amount, currency="EUR")
        await merchant.call("POST", f"{BASE}/payments/{payment_id}", body)

    return run


SAMPLES = {
    "DB.Y": Sample("A debit (sale) approved: callback status Y", _payment("DB", APPROVED)),
    "DB.N": Sample("A debit declined: callback status N", _payment("DB", DECLINED)),
    "PA.Y": Sample("A preauthorization approved", _payment("PA", APPROVED)),
    "CP.Y": Sample("A partial capture of a preauthorization", _then("PA", "CP", "10.00")),
    "RV.C": Sample(
        "A reversal of a preauthorization (status C, cancelled)", _then("PA", "RV", None)
    ),
    "RF.Y": Sample("A partial refund of a debit", _then("DB", "RF", "5.00")),
}
