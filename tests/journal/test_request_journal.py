"""A payment's page lists the requests that acted on it, as answered, card data masked."""

from __future__ import annotations

import asyncio

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from tests.providers.tranzzo.conftest import VISA, card, tranzzo

__all__ = ["tranzzo"]


async def test_a_purchase_is_journaled_with_its_card_number_masked(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    [request] = (await admin.payment(paid["payment_id"]))["requests"]
    assert (request["method"], request["path"], request["status"]) == (
        "POST",
        "/tranzzo/api/v1/payment",
        200,
    )
    assert request["source"] == "tranzzo"
    assert VISA.number not in request["request"]
    assert '"cc_number": "424242******4242"' in request["request"]
    assert '"card_cvv": "***"' in request["request"]
    assert paid["payment_id"] in request["response"]


async def test_a_refused_refund_is_journaled_reads_are_not(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    await tranzzo.order_status("o-1")
    with pytest.raises(TranzzoApiError):
        await tranzzo.refund("o-1", "UAH", 500)
    requests = (await admin.payment(paid["payment_id"]))["requests"]
    assert [(r["path"], r["status"]) for r in requests] == [
        ("/tranzzo/api/v1/payment", 200),
        ("/tranzzo/api/v1/refund", 400),
    ]
    assert "P-411" in requests[1]["response"]


async def test_an_admin_choice_on_a_challenge_is_journaled_as_admin(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase(
        "o-1", 100, "UAH", card=card("4000000000003220"), order_3ds_bypass="never"
    )
    await admin.complete_challenge(paid["payment_id"], "abandon")
    requests = (await admin.payment(paid["payment_id"]))["requests"]
    assert [(r["source"], r["method"], r["status"]) for r in requests] == [
        ("tranzzo", "POST", 200),
        ("admin", "POST", 200),
    ]
    assert requests[1]["path"] == f"/_sandbox/payments/{paid['payment_id']}/challenge"
    assert requests[1]["request"] == '{"choice": "abandon"}'


async def test_purchases_answered_together_are_each_journaled_once_as_answered(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await asyncio.gather(
        *(tranzzo.purchase(f"o-{n}", 100 + n, "UAH", card=VISA) for n in range(12))
    )
    for n, answer in enumerate(paid):
        [request] = (await admin.payment(answer["payment_id"]))["requests"]
        assert f'"order_id": "o-{n}"' in request["request"]
        assert VISA.number not in request["request"]
        assert answer["payment_id"] in request["response"]
