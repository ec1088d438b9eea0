"""Registering transaction sessions and querying transactions: the documented shapes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import MERCHANT, Charge, envelope, payment_of, refused

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATE = "%Y-%m-%d %H:%M:%S"
DOCUMENTED = {
    "identifier", "customIdentifier", "groupIdentifier", "referencedTransactionIdentifier",
    "amount", "currency", "type", "status", "subject", "mode", "created", "statusDetails",
    "processingDetails", "paymentDetails", "receiptDetails", "locationDetails", "reader",
    "refundDetails", "clearingDetails",
}  # fmt: skip


async def test_a_registered_charge_is_initialized_and_valid_for_fifteen_minutes(
    charge: Charge,
) -> None:
    session = await charge(123.34, "EUR", subject="My subject", custom_identifier="1234")
    assert set(session) == {"validUntil", "identifier", "transaction"}
    transaction = session["transaction"]
    assert UUID.match(session["identifier"])
    assert UUID.match(transaction["identifier"]) and UUID.match(transaction["groupIdentifier"])
    assert session["identifier"] != transaction["identifier"]
    assert set(transaction) == DOCUMENTED
    assert {k: transaction[k] for k in ("amount", "currency", "type", "status", "mode")} == {
        "amount": 123.34,
        "currency": "EUR",
        "type": "CHARGE",
        "status": "INITIALIZED",
        "mode": "TEST",
    }
    assert (transaction["subject"], transaction["customIdentifier"]) == ("My subject", "1234")
    assert transaction["referencedTransactionIdentifier"] is None
    created = datetime.strptime(transaction["created"], DATE)
    assert datetime.strptime(session["validUntil"], DATE) - created == timedelta(minutes=15)
    assert transaction["statusDetails"]["code"] == "INITIALIZED_AT_SERVER"
    assert transaction["processingDetails"]["sessionIdentifier"] == session["identifier"]
    assert transaction["refundDetails"] == {
        "status": "NON_REFUNDABLE",
        "process": [],
        "refundTransactions": [],
    }
    assert transaction["clearingDetails"]["institute"] == "PAYWORKS_DEMO_CONNECTOR"


async def test_the_answer_is_201_with_the_ok_envelope(payworks: AsyncPayworksClient) -> None:
    flow = payworks.api.register(MERCHANT, {"amount": 5, "currency": "EUR", "type": "CHARGE"})
    answer = await payworks.request(next(flow))
    assert answer.status == 201
    body = answer.json()
    assert (body["status"], body["data"]["transaction"]["amount"]) == ("ok", 5)


async def test_the_query_shows_the_transaction_as_registered(
    payworks: AsyncPayworksClient, charge: Charge
) -> None:
    session = await charge("0.95", "EUR", mode="TEST")
    found = await payworks.transaction(session["transaction"]["identifier"])
    assert found == session["transaction"]


async def test_amounts_are_numbers_in_the_currencys_own_units(charge: Charge) -> None:
    assert (await charge(1500, "JPY"))["transaction"]["amount"] == 1500
    assert (await charge("12.345", "KWD"))["transaction"]["amount"] == 12.345
    assert (await charge("10.50", "EUR"))["transaction"]["amount"] == 10.5


async def test_a_card_is_shown_only_once_it_was_read(
    payworks: AsyncPayworksClient, admin: AsyncSandboxAdmin, charge: Charge
) -> None:
    identifier = (await charge("10.00"))["transaction"]["identifier"]
    assert "cardDetails" not in await payworks.transaction(identifier)
    await admin.execute((await payment_of(admin, identifier))["id"])
    done = await payworks.transaction(identifier)
    assert done["cardDetails"] == {
        "fingerprint": done["cardDetails"]["fingerprint"],
        "scheme": "MASTERCARD",
        "maskedCardNumber": "541333******0086",
        "expiryMonth": 12,
        "expiryYear": 2049,
        "cardholderName": "PAYWORKS TEST CARD",
    }
    assert UUID.match(done["cardDetails"]["fingerprint"])
    assert done["paymentDetails"] == {
        "source": "ICC",
        "scheme": "MASTERCARD",
        "customerVerification": "SIGNATURE",
        "maskedAccount": "541333******0086",
    }
    assert done["reader"]["family"] == "MIURA_MPI"
    assert isinstance(done["locationDetails"]["latitude"], float)
    assert re.match(r"^[A-Z0-9]{6}$", done["receiptDetails"]["authorizationCode"])


async def test_the_same_card_has_the_same_fingerprint(
    payworks: AsyncPayworksClient, admin: AsyncSandboxAdmin, charge: Charge
) -> None:
    prints = []
    for _ in range(2):
        identifier = (await charge("10.00"))["transaction"]["identifier"]
        await admin.execute((await payment_of(admin, identifier))["id"], contactless=True)
        prints.append((await payworks.transaction(identifier))["cardDetails"]["fingerprint"])
    assert prints[0] == prints[1]


async def test_an_unknown_transaction_is_not_found(payworks: AsyncPayworksClient) -> None:
    unknown = "0f487dc3-35cd-4125-8b82-631c7d5b328c"
    error = await refused(payworks.transaction(unknown))
    assert (error.status, error.body) == (
        404,
        envelope("TransactionSessionNotFound", f"No transaction {unknown}"),
    )
    error = await refused(payworks.transaction("not-a-uuid"))
    assert (error.status, error.body) == (
        404,
        envelope("TransactionSessionNotFound", "No transaction not-a-uuid"),
    )


async def test_another_tenants_transaction_is_not_found(
    payworks: AsyncPayworksClient, charge: Charge, sandbox: Any
) -> None:
    identifier = (await charge())["transaction"]["identifier"]
    other = AsyncPayworksClient(
        sandbox.base_url("payworks"),
        payworks.api.credentials,
        headers={"X-Sandbox-Tenant": sandbox.tenant + "-other"},
    )
    async with other:
        error = await refused(other.transaction(identifier))
    assert error.status == 404
