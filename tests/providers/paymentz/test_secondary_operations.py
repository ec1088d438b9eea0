"""POST /payments/{paymentId}: captures, refunds, reversals and inquiries, each rule with its
exact code, and the long status they leave — plus GET /payments/{paymentId}."""

from __future__ import annotations

import pytest

from psp_sandbox.client.paymentz import AsyncPaymentzClient, PaymentzCredentials, checksum
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import KEY, MEMBER, VISA, Raw, refused, result_of


async def preauth(paymentz: AsyncPaymentzClient, amount: str = "100.00") -> str:
    return str((await paymentz.preauth("o-1", amount, "EUR", VISA))["paymentId"])


async def debit(paymentz: AsyncPaymentzClient, amount: str = "100.00") -> str:
    return str((await paymentz.debit("o-1", amount, "EUR", VISA))["paymentId"])


async def status_of(paymentz: AsyncPaymentzClient, payment_id: str) -> tuple[str, str]:
    found = await paymentz.inquire(payment_id)
    return found["status"], found["transactionStatus"]


# --- capture --------------------------------------------------------------------------------


async def test_a_partial_capture_answers_00004_and_the_payment_is_capturesuccess(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await preauth(paymentz)
    answer = await paymentz.capture(payment_id, "40.00")
    assert answer == {
        "paymentId": payment_id,
        "paymentType": "CP",
        "amount": "40.00",
        "currency": "EUR",
        "merchantTransactionId": "o-1",
        "result": {"code": "00004", "description": "Transaction captured successfully"},
        "timestamp": answer["timestamp"],
        "transactionStatus": "Y",
    }
    assert await status_of(paymentz, payment_id) == ("capturesuccess", "Y")
    assert (await paymentz.inquire(payment_id))["capturedAmount"] == "40.00"


async def test_a_capture_over_the_authorized_amount_is_refused_with_13003(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await preauth(paymentz)
    await refused(paymentz.capture(payment_id, "100.01"), 409, "13003")


async def test_a_preauth_is_captured_once(paymentz: AsyncPaymentzClient) -> None:
    payment_id = await preauth(paymentz)
    await paymentz.capture(payment_id, "10.00")
    error = await refused(paymentz.capture(payment_id, "10.00"), 409, "13002")
    assert error.description == "Operation not allowed for this transaction"


async def test_a_debit_is_not_captured(paymentz: AsyncPaymentzClient) -> None:
    await refused(paymentz.capture(await debit(paymentz), "1.00"), 409, "13002")


async def test_a_declined_capture_answers_n_and_leaves_capturefailed(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    payment_id = await preauth(paymentz)
    await admin.queue_outcome("declined", operation="capture", provider="paymentz")
    answer = await paymentz.capture(payment_id, "10.00")
    assert (answer["transactionStatus"], answer["result"]["code"]) == ("N", "10001")
    assert await status_of(paymentz, payment_id) == ("capturefailed", "N")
    retried = await paymentz.capture(payment_id, "10.00")
    assert retried["transactionStatus"] == "Y"


async def test_a_pending_capture_shows_capturestarted_until_it_completes(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    payment_id = await preauth(paymentz)
    await admin.queue_outcome("pending_approved", operation="capture", provider="paymentz")
    answer = await paymentz.capture(payment_id, "10.00")
    assert (answer["transactionStatus"], answer["result"]["code"]) == ("P", "00002")
    assert await status_of(paymentz, payment_id) == ("capturestarted", "P")
    await admin.advance_clock(5)
    assert await status_of(paymentz, payment_id) == ("capturesuccess", "Y")


# --- refund ---------------------------------------------------------------------------------


async def test_a_refund_answers_00005_and_the_payment_is_reversed(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await debit(paymentz)
    answer = await paymentz.refund(payment_id, "30.00")
    assert (answer["paymentType"], answer["amount"], answer["transactionStatus"]) == (
        "RF",
        "30.00",
        "Y",
    )
    assert answer["result"] == {"code": "00005", "description": "Transaction refunded successfully"}
    assert await status_of(paymentz, payment_id) == ("reversed", "Y")
    assert (await paymentz.inquire(payment_id))["refundedAmount"] == "30.00"


async def test_a_second_refund_is_refused_with_13005_even_of_what_is_left(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await debit(paymentz)
    await paymentz.refund(payment_id, "30.00")
    error = await refused(paymentz.refund(payment_id, "10.00"), 409, "13005")
    assert error.description == "Transaction already refunded"


async def test_a_refund_over_the_captured_amount_is_refused_with_13004(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await preauth(paymentz)
    await paymentz.capture(payment_id, "40.00")
    await refused(paymentz.refund(payment_id, "40.01"), 409, "13004")
    assert (await paymentz.refund(payment_id, "40.00"))["transactionStatus"] == "Y"


async def test_an_uncaptured_preauth_is_not_refunded(paymentz: AsyncPaymentzClient) -> None:
    await refused(paymentz.refund(await preauth(paymentz), "1.00"), 409, "13002")


async def test_a_refund_in_another_currency_is_refused_with_13008(
    paymentz: AsyncPaymentzClient,
) -> None:
    await refused(paymentz.refund(await debit(paymentz), "1.00", "USD"), 409, "13008")


async def test_a_settled_payment_is_still_refunded(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    payment_id = await debit(paymentz)
    await admin.advance_clock(86_400)
    assert await status_of(paymentz, payment_id) == ("settled", "Y")
    assert (await paymentz.refund(payment_id, "100.00"))["transactionStatus"] == "Y"
    assert await status_of(paymentz, payment_id) == ("reversed", "Y")


async def test_a_pending_refund_is_markedforreversal_and_uses_the_one_refund(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    payment_id = await debit(paymentz)
    await admin.queue_outcome("pending_approved", operation="refund", provider="paymentz")
    assert (await paymentz.refund(payment_id, "5.00"))["transactionStatus"] == "P"
    assert await status_of(paymentz, payment_id) == ("markedforreversal", "P")
    await refused(paymentz.refund(payment_id, "5.00"), 409, "13005")
    await admin.advance_clock(5)
    assert await status_of(paymentz, payment_id) == ("reversed", "Y")


# --- reversal -------------------------------------------------------------------------------


async def test_a_reversal_cancels_the_whole_preauth_with_00006(
    paymentz: AsyncPaymentzClient,
) -> None:
    payment_id = await preauth(paymentz)
    answer = await paymentz.reverse(payment_id)
    assert (answer["paymentType"], answer["amount"], answer["transactionStatus"]) == (
        "RV",
        "100.00",
        "C",
    )
    assert answer["result"] == {
        "code": "00006",
        "description": "Transaction cancelled successfully",
    }
    assert await status_of(paymentz, payment_id) == ("cancelled", "C")
    await refused(paymentz.capture(payment_id, "1.00"), 409, "13002")


async def test_a_reversal_naming_the_full_amount_is_accepted(paymentz: AsyncPaymentzClient) -> None:
    payment_id = await preauth(paymentz)
    assert (await paymentz.reverse(payment_id, "100.00"))["result"]["code"] == "00006"


async def test_a_partial_reversal_is_refused_with_13006(paymentz: AsyncPaymentzClient) -> None:
    payment_id = await preauth(paymentz)
    error = await refused(paymentz.reverse(payment_id, "99.99"), 409, "13006")
    assert error.description == "Partial reversal not allowed"
    assert await status_of(paymentz, payment_id) == ("authsuccessful", "Y")


async def test_a_reversal_over_the_authorized_amount_is_refused_with_13007(
    paymentz: AsyncPaymentzClient,
) -> None:
    await refused(paymentz.reverse(await preauth(paymentz), "100.01"), 409, "13007")


@pytest.mark.parametrize("captured", [False, True], ids=["debit", "captured-preauth"])
async def test_only_an_uncaptured_preauth_is_reversed(
    paymentz: AsyncPaymentzClient, captured: bool
) -> None:
    if captured:
        payment_id = await preauth(paymentz)
        await paymentz.capture(payment_id, "10.00")
    else:
        payment_id = await debit(paymentz)
    await refused(paymentz.reverse(payment_id), 409, "13002")


# --- inquiry, status, lookups ---------------------------------------------------------------


async def test_the_status_get_and_the_inquiry_agree(paymentz: AsyncPaymentzClient) -> None:
    payment_id = await debit(paymentz)
    inquired = await paymentz.inquire(payment_id)
    status = await paymentz.status(payment_id)
    by_reference = await paymentz.inquiry("o-1")
    for found in (status, by_reference):
        assert {k: v for k, v in found.items() if k != "timestamp"} == {
            k: v for k, v in inquired.items() if k != "timestamp"
        }
    assert inquired["remark"] == "Approved or completed successfully"
    assert inquired["eci"] == "07"


@pytest.mark.parametrize("payment_id", ["999999999999", "abc", "1" * 21])
async def test_an_unknown_payment_id_is_10009(
    paymentz: AsyncPaymentzClient, payment_id: str
) -> None:
    error = await refused(paymentz.inquire(payment_id), 404, "10009")
    assert error.description == "Record not found"


async def test_another_members_payment_is_not_found(
    paymentz: AsyncPaymentzClient, sandbox: Sandbox
) -> None:
    payment_id = await debit(paymentz)
    other = PaymentzCredentials("8080", "other-key")
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), other, headers=sandbox.headers
    ) as client:
        await refused(client.refund(payment_id, "1.00"), 404, "10009")


@pytest.mark.parametrize("xml", [False, True], ids=["json", "xml"])
@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"paymentType": "CP"}, 400, "11001"),
        ({"paymentType": "CP", "amount": "1"}, 400, "11002"),
        ({"paymentType": "DB", "amount": "1.00"}, 400, "11002"),
        ({"paymentType": "RF", "amount": "1.00", "wrong": "checksum"}, 403, "11006"),
    ],
)
async def test_a_bad_operation_request_is_refused_with_its_code(
    raw: Raw,
    paymentz: AsyncPaymentzClient,
    xml: bool,
    fields: dict[str, str],
    status: int,
    code: str,
) -> None:
    payment_id = await debit(paymentz)
    amount = fields.get("amount", "")
    good = (
        checksum(MEMBER, KEY, payment_id, amount) if amount else checksum(MEMBER, KEY, payment_id)
    )
    sent = {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY, payment_id) if "wrong" in fields else good,
        **{k: v for k, v in fields.items() if k != "wrong"},
    }
    answer = await raw.post(f"/payments/{payment_id}", sent, xml=xml)
    assert result_of(answer) == (status, code)
    assert ("xml" in answer.headers["Content-Type"]) is xml
