"""POST /inquiry, POST /getTransactionList, POST /payout and the repeated charges of a
registration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.client.paymentz import AsyncPaymentzClient, checksum
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import KEY, MEMBER, VISA, Raw, card, refused, result_of

# --- inquiry --------------------------------------------------------------------------------


async def test_an_inquiry_by_payment_id_is_the_inquiry_by_merchant_id(
    raw: Raw, paymentz: AsyncPaymentzClient
) -> None:
    answer = await paymentz.debit("o-1", "3.00", "EUR", VISA)
    payment_id = answer["paymentId"]
    by_pid = await raw.post(
        "/inquiry",
        {
            "authentication.memberId": MEMBER,
            "authentication.checksum": checksum(MEMBER, KEY, payment_id),
            "idType": "PID",
            "paymentId": payment_id,
        },
    )
    by_mid = await paymentz.inquiry("o-1")
    assert by_pid.status_code == 200
    assert by_pid.json()["paymentId"] == by_mid["paymentId"] == payment_id
    assert by_pid.json()["status"] == by_mid["status"] == "capturesuccess"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"idType": "MID"}, 400, "11001"),
        ({"idType": "PID"}, 400, "11001"),
        ({"idType": "XID", "merchantTransactionId": "o-1"}, 400, "11002"),
        ({"merchantTransactionId": "nope"}, 404, "10009"),
        ({"merchantTransactionId": "o-1", "bad": "checksum"}, 403, "11006"),
    ],
)
async def test_a_bad_inquiry_is_refused_with_its_code(
    raw: Raw, paymentz: AsyncPaymentzClient, fields: dict[str, str], status: int, code: str
) -> None:
    await paymentz.debit("o-1", "3.00", "EUR", VISA)
    reference = fields.get("merchantTransactionId", "")
    signed = checksum(MEMBER, KEY, "o-2" if "bad" in fields else reference)
    sent = {"authentication.memberId": MEMBER, "authentication.checksum": signed}
    sent |= {k: v for k, v in fields.items() if k != "bad"}
    assert result_of(await raw.post("/inquiry", sent)) == (status, code)


# --- transaction list -----------------------------------------------------------------------


async def test_the_list_holds_the_days_transactions_and_filters_by_status(
    paymentz: AsyncPaymentzClient,
) -> None:
    await paymentz.debit("o-1", "1.00", "EUR", VISA)
    await paymentz.preauth("o-2", "2.00", "EUR", VISA)
    await paymentz.debit("o-3", "3.00", "EUR", card("4000000000000002"))
    today = datetime.now(UTC).date()
    listed = await paymentz.transactions(today - timedelta(days=1), today + timedelta(days=1))
    assert listed["result"]["code"] == "00026"
    assert sorted((t["merchantTransactionId"], t["status"]) for t in listed["transactions"]) == [
        ("o-1", "capturesuccess"),
        ("o-2", "authsuccessful"),
        ("o-3", "authfailed"),
    ]
    failed = await paymentz.transactions(today, today, status="authfailed")
    assert [t["merchantTransactionId"] for t in failed["transactions"]] == ["o-3"]


async def test_a_list_of_days_without_transactions_is_empty_with_10009(
    paymentz: AsyncPaymentzClient,
) -> None:
    await paymentz.debit("o-1", "1.00", "EUR", VISA)
    long_ago = datetime(2001, 1, 1).date()
    listed = await paymentz.transactions(long_ago, long_ago)
    assert (listed["transactions"], listed["result"]["code"]) == ([], "10009")


@pytest.mark.parametrize(
    ("fromdate", "todate", "status", "field"),
    [
        ("31/02/2025", "01/03/2025", None, "pagination.fromdate"),
        ("2025-01-01", "01/03/2025", None, "pagination.fromdate"),
        ("02/03/2025", "01/03/2025", None, "pagination.todate"),
        ("01/03/2025", "02/03/2025", "paid", "status"),
    ],
)
async def test_a_bad_list_request_is_refused_with_11002(
    raw: Raw, fromdate: str, todate: str, status: str | None, field: str
) -> None:
    fields = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY),
        "pagination.fromdate": fromdate,
        "pagination.todate": todate,
    }
    if status is not None:
        fields["status"] = status
    answer = await raw.post("/getTransactionList", fields)
    assert result_of(answer) == (400, "11002")
    assert answer.json()["result"]["description"] == f"Invalid parameter: {field}"


# --- payouts --------------------------------------------------------------------------------


async def test_a_payout_to_a_card_is_a_transaction_of_its_own(
    paymentz: AsyncPaymentzClient,
) -> None:
    answer = await paymentz.payout("po-1", "12.00", "EUR", card=VISA)
    assert (answer["paymentType"], answer["transactionStatus"], answer["amount"]) == (
        "PO",
        "Y",
        "12.00",
    )
    found = await paymentz.inquire(answer["paymentId"])
    assert (found["status"], found["transactionStatus"]) == ("payoutsuccessful", "Y")
    await refused(paymentz.refund(answer["paymentId"], "1.00"), 409, "13002")
    await refused(paymentz.reverse(answer["paymentId"]), 409, "13002")


async def test_a_payout_to_the_card_of_an_earlier_payment(paymentz: AsyncPaymentzClient) -> None:
    paid = await paymentz.debit("o-1", "30.00", "EUR", card("5105105105105100"))
    answer = await paymentz.payout("po-1", "45.00", "EUR", payment_id=paid["paymentId"])
    assert answer["transactionStatus"] == "Y"
    assert (answer["card"]["last4Digits"], answer["paymentBrand"]) == ("5100", "MC")


async def test_a_payout_follows_its_cards_outcome(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    declined = await paymentz.payout("po-1", "1.00", "EUR", card=card("4000000000000002"))
    assert declined["transactionStatus"] == "N"
    assert (await paymentz.inquire(declined["paymentId"]))["status"] == "payoutfailed"
    pending = await paymentz.payout("po-2", "1.00", "EUR", card=card("4000000000000259"))
    assert (await paymentz.inquire(pending["paymentId"]))["status"] == "payoutstarted"
    await admin.advance_clock(5)
    assert (await paymentz.inquire(pending["paymentId"]))["status"] == "payoutsuccessful"


async def test_the_payout_checksum_puts_the_key_last(raw: Raw) -> None:
    fields = {
        "authentication.memberId": MEMBER,
        "merchantTransactionId": "po-1",
        "amount": "1.00",
        "currency": "EUR",
        **VISA.fields(),
    }
    wrong = checksum(MEMBER, KEY, "po-1", "1.00")
    right = checksum(MEMBER, "po-1", "1.00", KEY)
    refused_answer = await raw.post("/payout", {**fields, "authentication.checksum": wrong})
    assert result_of(refused_answer) == (403, "11006")
    accepted = await raw.post("/payout", {**fields, "authentication.checksum": right})
    assert accepted.status_code == 200


async def test_a_payout_needs_a_card_or_a_payment(raw: Raw) -> None:
    fields = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, "po-1", "1.00", KEY),
        "merchantTransactionId": "po-1",
        "amount": "1.00",
        "currency": "EUR",
    }
    assert result_of(await raw.post("/payout", fields)) == (400, "11001")
    unknown = {**fields, "paymentId": "123"}
    assert result_of(await raw.post("/payout", unknown)) == (404, "10009")


# --- registrations --------------------------------------------------------------------------


async def test_an_initial_payment_registers_the_card_for_repeated_charges(
    paymentz: AsyncPaymentzClient,
) -> None:
    initial = await paymentz.debit(
        "o-1", "9.99", "EUR", card("4000000000003220"), create_registration=True,
        recurring_type="INITIAL",
    )  # fmt: skip
    registration = initial["registrationId"]
    assert len(registration) == 32
    await refused(paymentz.repeat(registration, "o-2", "9.99", "EUR"), 409, "13009")


async def test_repeated_charges_reuse_the_card_without_a_challenge(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    initial = await paymentz.debit(
        "o-1", "9.99", "EUR", card("4000000000003220"), create_registration=True,
        recurring_type="INITIAL",
    )  # fmt: skip
    await admin.complete_challenge((await admin.find_payment("paymentz", "o-1"))["id"])
    repeated = await paymentz.repeat(initial["registrationId"], "o-2", "19.99", "EUR")
    assert (repeated["transactionStatus"], repeated["card"]["last4Digits"]) == ("Y", "3220")
    assert repeated["registrationId"] == initial["registrationId"]
    again = await paymentz.repeat(initial["registrationId"], "o-3", "5.00", "EUR", "PA")
    assert (again["paymentType"], again["transactionStatus"]) == ("PA", "Y")


async def test_a_declined_initial_payment_registers_nothing_usable(
    paymentz: AsyncPaymentzClient,
) -> None:
    initial = await paymentz.debit(
        "o-1", "1.00", "EUR", card("4000000000000002"), create_registration=True
    )
    await refused(paymentz.repeat(initial["registrationId"], "o-2", "1.00", "EUR"), 409, "13009")


async def test_an_unknown_registration_or_a_payment_id_is_10009(
    paymentz: AsyncPaymentzClient,
) -> None:
    paid = await paymentz.debit("o-1", "1.00", "EUR", VISA)
    for unknown in ("0" * 32, paid["paymentId"]):
        await refused(paymentz.repeat(unknown, "o-2", "1.00", "EUR"), 404, "10009")
