"""Refunds: card-present refund sessions (exactly the charge) and refunds without the card
(any part, as long as all refunds stay within the charge)."""

from __future__ import annotations

import json

import pytest

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import MERCHANT, Charge, approved_charge, envelope, executed, refused

UNKNOWN = "3fe8fe7c-b620-4b45-b128-545b8c16f236"


async def test_a_card_present_refund_of_the_exact_charge_refunds_it(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "123.34")
    session = await payworks.register_refund(
        MERCHANT, charge["identifier"], "123.34", "EUR", subject="My Refund"
    )
    refund = session["transaction"]
    assert {k: refund[k] for k in ("type", "status", "amount", "mode", "subject")} == {
        "type": "REFUND",
        "status": "INITIALIZED",
        "amount": 123.34,
        "mode": "TEST",
        "subject": "My Refund",
    }
    assert refund["referencedTransactionIdentifier"] == charge["identifier"]
    assert refund["groupIdentifier"] == charge["groupIdentifier"]
    done = await executed(admin, payworks, refund["identifier"], contactless=True)
    assert (done["status"], done["paymentDetails"]["customerVerification"]) == ("APPROVED", "NONE")
    assert done["refundDetails"]["status"] == "NON_REFUNDABLE"
    refunded = await payworks.transaction(charge["identifier"])
    assert refunded["status"] == "APPROVED"
    assert refunded["refundDetails"] == {
        "status": "REFUNDED",
        "process": [],
        "refundTransactions": [
            {
                "identifier": refund["identifier"],
                "amount": 123.34,
                "currency": "EUR",
                "status": "APPROVED",
                "code": "REFUND_BEFORE_CLEARING",
                "created": refund["created"],
            }
        ],
    }


@pytest.mark.parametrize(
    ("amount", "status", "kind", "rule"),
    [
        ("123.33", 400, "ParameterInvalid", "A card-present refund is for exactly the amount and "
         "currency of the charge"),
        ("123.35", 409, "TransactionInvalid", "The refunds would exceed the amount of the charge"),
    ],
)  # fmt: skip
async def test_a_card_present_refund_of_another_amount_is_refused(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    amount: str,
    status: int,
    kind: str,
    rule: str,
) -> None:
    charge = await approved_charge(admin, payworks, "123.34")
    error = await refused(payworks.register_refund(MERCHANT, charge["identifier"], amount, "EUR"))
    state = "the charge is APPROVED for 123.34 EUR, 123.34 EUR of it can be refunded now"
    assert (error.status, error.body) == (status, envelope(kind, f"{rule}: {state}"))


async def test_a_card_present_refund_in_another_currency_is_refused(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    error = await refused(payworks.register_refund(MERCHANT, charge["identifier"], "10.00", "USD"))
    assert (error.status, error.body["error"]["type"]) == (400, "ParameterInvalid")
    assert error.body["error"]["message"].startswith(
        "transaction.currency: a refund is in the currency of the charge"
    )


async def test_only_an_approved_charge_not_yet_refunded_can_be_refunded(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    declined = (await charge("100.00"))["transaction"]["identifier"]
    await executed(admin, payworks, declined)
    error = await refused(payworks.register_refund(MERCHANT, declined, "100.00", "EUR"))
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionInvalid",
            "Only an APPROVED CHARGE that is not refunded can be refunded: the charge is DECLINED",
        ),
    )
    approved = await approved_charge(admin, payworks, "10.00")
    refund = await payworks.register_refund(MERCHANT, approved["identifier"], "10.00", "EUR")
    error = await refused(
        payworks.register_refund(MERCHANT, approved["identifier"], "10.00", "EUR")
    )
    assert (error.status, error.body["error"]["type"]) == (409, "TransactionInvalid")
    await executed(admin, payworks, refund["transaction"]["identifier"])
    error = await refused(
        payworks.register_refund(MERCHANT, approved["identifier"], "10.00", "EUR")
    )
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionInvalid",
            "The refunds would exceed the amount of the charge: the charge is APPROVED for "
            "10.00 EUR, 0.00 EUR of it can be refunded now",
        ),
    )
    refund_id = refund["transaction"]["identifier"]
    error = await refused(payworks.register_refund(MERCHANT, refund_id, "10.00", "EUR"))
    assert (error.status, error.body["error"]["type"]) == (409, "TransactionInvalid")


async def test_a_refund_of_an_unknown_charge_or_another_merchants_is_not_found(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    error = await refused(payworks.register_refund(MERCHANT, UNKNOWN, "10.00", "EUR"))
    assert (error.status, error.body) == (
        404,
        envelope("TransactionReferenceNotFound", f"No transaction {UNKNOWN}"),
    )
    charge = await approved_charge(admin, payworks, "10.00")
    other = "59b57c79-7a04-4e68-9bc1-78dbf71adf32"
    error = await refused(payworks.register_refund(other, charge["identifier"], "10.00", "EUR"))
    assert (error.status, error.body["error"]["type"]) == (404, "TransactionReferenceNotFound")


async def test_an_unexecuted_refund_session_lapses_and_frees_the_charge(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    session = await payworks.register_refund(MERCHANT, charge["identifier"], "10.00", "EUR")
    error = await refused(payworks.refund_without_card(charge["identifier"], "1.00", "EUR"))
    assert error.status == 409  # the whole charge is held by the refund session
    await admin.advance_clock(900)
    lapsed = await payworks.transaction(session["transaction"]["identifier"])
    assert (lapsed["status"], lapsed["statusDetails"]["code"]) == (
        "DECLINED",
        "DECLINED_INVALID_SESSION_EXPIRED",
    )
    partial = await payworks.refund_without_card(charge["identifier"], "1.00", "EUR")
    assert partial["status"] == "APPROVED"


async def test_refunds_without_the_card_may_be_partial_and_never_exceed_the_charge(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "50.00")
    first = await payworks.refund_without_card(
        charge["identifier"], "20.00", "EUR", subject="Broken cup", custom_identifier="r-1"
    )
    assert {k: first[k] for k in ("type", "status", "amount", "subject", "customIdentifier")} == {
        "type": "REFUND",
        "status": "APPROVED",
        "amount": 20,
        "subject": "Broken cup",
        "customIdentifier": "r-1",
    }
    assert first["referencedTransactionIdentifier"] == charge["identifier"]
    assert first["cardDetails"]["maskedCardNumber"] == "541333******0086"
    assert first["paymentDetails"]["source"] is None
    refundable = await payworks.transaction(charge["identifier"])
    assert refundable["refundDetails"]["status"] == "REFUNDABLE_PARTIAL_AND_FULL"
    error = await refused(payworks.refund_without_card(charge["identifier"], "30.01", "EUR"))
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionInvalid",
            "The refunds would exceed the amount of the charge: the charge is APPROVED for "
            "50.00 EUR, 30.00 EUR of it can be refunded now",
        ),
    )
    await payworks.refund_without_card(charge["identifier"], "30.00", "EUR")
    refunded = await payworks.transaction(charge["identifier"])
    assert refunded["refundDetails"]["status"] == "REFUNDED"
    assert [r["amount"] for r in refunded["refundDetails"]["refundTransactions"]] == [20, 30]
    error = await refused(payworks.register_refund(MERCHANT, charge["identifier"], "50.00", "EUR"))
    assert error.status == 409


async def test_a_refund_without_the_card_of_an_unknown_or_unapproved_transaction_is_refused(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    error = await refused(payworks.refund_without_card(UNKNOWN, "1.00", "EUR"))
    assert (error.status, error.body) == (
        404,
        envelope("TransactionSessionNotFound", f"No transaction {UNKNOWN}"),
    )
    pending = (await charge("10.00"))["transaction"]["identifier"]
    error = await refused(payworks.refund_without_card(pending, "1.00", "EUR"))
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionInvalid",
            "Only an APPROVED CHARGE that is not refunded can be refunded: the charge is "
            "INITIALIZED",
        ),
    )


async def test_a_declined_refund_without_the_card_leaves_the_charge_refundable(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    await admin.queue_outcome("declined", operation="refund", provider="payworks")
    refund = await payworks.refund_without_card(charge["identifier"], "10.00", "EUR")
    assert (refund["status"], refund["statusDetails"]["code"]) == ("DECLINED", "DECLINED_PROCESSOR")
    again = await payworks.refund_without_card(charge["identifier"], "10.00", "EUR")
    assert again["status"] == "APPROVED"


async def test_a_refund_after_the_next_midnight_is_a_refund_after_clearing(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    await admin.advance_clock(86_400)
    await payworks.refund_without_card(charge["identifier"], "4.00", "EUR")
    [summary] = (await payworks.transaction(charge["identifier"]))["refundDetails"][
        "refundTransactions"
    ]
    assert summary["code"] == "REFUND_AFTER_CLEARING"


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ({}, "ParameterMissing", "refund: Field required"),
        ({"refund": {"currency": "EUR"}}, "ParameterMissing", "refund.amount: Field required"),
        ({"refund": {"amount": 0, "currency": "EUR"}}, "ParameterInvalid",
         "refund.amount: must be greater than 0 and at most 999999999.99"),
        ({"refund": {"amount": 1.001, "currency": "EUR"}}, "ParameterInvalid",
         "refund: amount has more decimals than EUR allows"),
        ({"refund": {"amount": 1, "currency": "EUR", "reason": "x"}}, "ParameterInvalid",
         "refund.reason: Extra inputs are not permitted"),
    ],
)  # fmt: skip
async def test_a_refund_body_that_does_not_fit_is_refused(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    body: dict[str, object],
    kind: str,
    message: str,
) -> None:
    charge = await approved_charge(admin, payworks, "10.00")
    path = f"/v2/transactions/{charge['identifier']}/refunds"
    error = await refused(payworks.send("POST", path, json.dumps(body).encode()))
    assert (error.status, error.body) == (400, envelope(kind, message))


async def test_money_under_a_chargeback_is_not_refunded_and_the_refusal_says_what_is_left(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "50.00")
    [payment] = await admin.payments(provider="payworks", reference=charge["identifier"])
    await admin.advance_clock(86_400)  # payworks settles daily: disputes come after clearing
    await admin.dispute(payment["id"], "chargeback", amount=2000, reason="4837")
    error = await refused(payworks.refund_without_card(charge["identifier"], "30.01", "EUR"))
    assert (error.status, error.body) == (
        409,
        envelope(
            "TransactionInvalid",
            "The refunds would exceed the amount of the charge: the charge is APPROVED for "
            "50.00 EUR, 30.00 EUR of it can be refunded now",
        ),
    )
    refund = await payworks.refund_without_card(charge["identifier"], "30.00", "EUR")
    assert (refund["status"], refund["amount"]) == ("APPROVED", 30)


async def test_a_charge_wholly_charged_back_shows_no_refund_process_and_keeps_its_status(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient
) -> None:
    charge = await approved_charge(admin, payworks, "50.00")
    [payment] = await admin.payments(provider="payworks", reference=charge["identifier"])
    await admin.advance_clock(86_400)
    await admin.dispute(payment["id"], "chargeback", reason="4837")
    found = await payworks.transaction(charge["identifier"])
    assert found["status"] == "APPROVED"  # payworks has no dispute status
    assert (found["refundDetails"]["status"], found["refundDetails"]["process"]) == (
        "NON_REFUNDABLE",
        [],
    )
    await admin.dispute(payment["id"], "won")
    found = await payworks.transaction(charge["identifier"])
    assert found["refundDetails"]["status"] == "REFUNDABLE_PARTIAL_AND_FULL"
