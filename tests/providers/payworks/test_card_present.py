"""Executing registered transactions with the card present: the payworks Test Card's amount
table, PIN entry, contactless, removing the card, aborting — through the admin API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError

from .conftest import Charge, executed, payment_of


async def run(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    charge: Charge,
    amount: str,
    **done: Any,
) -> Any:
    identifier = (await charge(amount))["transaction"]["identifier"]
    return await executed(admin, payworks, identifier, **done)


def outcome(transaction: Any) -> tuple[str, str, str | None]:
    return (
        transaction["status"],
        transaction["statusDetails"]["code"],
        transaction["paymentDetails"]["customerVerification"],
    )


@pytest.mark.parametrize(
    ("amount", "entry", "expected"),
    [
        ("10.00", {}, ("APPROVED", "APPROVED", "SIGNATURE")),
        ("5.00", {}, ("APPROVED", "APPROVED", "NONE")),
        ("40.00", {"contactless": True, "pin": "1234"}, ("APPROVED", "APPROVED", "PIN")),
        ("30.00", {"pin": "1234"}, ("APPROVED", "APPROVED", "PIN_AND_SIGNATURE")),
        ("100.00", {}, ("DECLINED", "DECLINED_CARD_OR_TERMINAL_DECLINED", "NONE")),
        ("120.00", {"pin": "1234"}, ("DECLINED", "DECLINED_CARD_OR_TERMINAL_DECLINED", "PIN")),
        ("210.00", {}, ("DECLINED", "DECLINED_PROCESSOR", "SIGNATURE")),
        ("220.00", {"pin": "1234"}, ("DECLINED", "DECLINED_PROCESSOR", "PIN")),
        ("300.00", {}, ("DECLINED", "DECLINED_CARD_BLOCKED", "NONE")),
        ("450.00", {}, ("APPROVED", "APPROVED", "NONE")),
        ("1000.00", {}, ("APPROVED", "APPROVED", "NONE")),
        ("1020.00", {"pin": "1234"}, ("APPROVED", "APPROVED", "PIN")),
        ("12.34", {}, ("APPROVED", "APPROVED", "NONE")),
    ],
)
async def test_the_test_card_answers_as_its_amount_table_says(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    charge: Charge,
    amount: str,
    entry: dict[str, Any],
    expected: tuple[str, str, str],
) -> None:
    done = await run(admin, payworks, charge, amount, **entry)
    assert outcome(done) == expected
    source = "NFC_USING_EMV" if entry.get("contactless") else "ICC"
    assert done["paymentDetails"]["source"] == source


async def test_a_pin_amount_waits_pending_until_the_pin_is_entered(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    waiting = await run(admin, payworks, charge, "20.00")
    assert (waiting["status"], waiting["statusDetails"]["code"]) == (
        "PENDING",
        "PENDING_AWAITING_FINALIZATION",
    )
    assert waiting["cardDetails"]["maskedCardNumber"] == "541333******0086"
    with pytest.raises(SandboxApiError) as refused:
        await executed(admin, payworks, waiting["identifier"])
    assert (refused.value.status, refused.value.code) == (409, "waiting_for_pin")
    done = await executed(admin, payworks, waiting["identifier"], pin="864209753186")
    assert outcome(done) == ("APPROVED", "APPROVED", "PIN")
    view = await admin.payment((await payment_of(admin, waiting["identifier"]))["id"])
    assert any(r["path"].endswith("/execute") and r["source"] == "admin" for r in view["requests"])
    assert "864209753186" not in json.dumps(view)  # the PIN is kept nowhere, not in the journal


async def test_a_wrong_offline_pin_declines_after_three_tries(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    transaction = await run(admin, payworks, charge, "21.00", pin="1234")
    assert transaction["status"] == "PENDING"
    transaction = await executed(admin, payworks, transaction["identifier"], pin="1234")
    assert transaction["status"] == "PENDING"
    done = await executed(admin, payworks, transaction["identifier"], pin="1234")
    assert outcome(done) == ("DECLINED", "DECLINED_PIN_WRONG_TOO_OFTEN", "PIN")


async def test_tapping_turns_an_offline_pin_into_an_online_pin_that_the_card_accepts(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    done = await run(admin, payworks, charge, "21.00", contactless=True, pin="1234")
    assert outcome(done) == ("APPROVED", "APPROVED", "PIN")


@pytest.mark.parametrize(
    ("ending", "code"),
    [
        ({"remove_card": True}, "ABORTED_SHOPPER_REMOVED_CARD"),
        ({"abort": True}, "ABORTED_SHOPPER_ABORTED"),
    ],
)
async def test_the_shopper_ends_the_transaction_while_the_pin_is_asked(
    admin: AsyncSandboxAdmin,
    payworks: AsyncPayworksClient,
    charge: Charge,
    ending: dict[str, bool],
    code: str,
) -> None:
    waiting = await run(admin, payworks, charge, "20.00")
    done = await executed(admin, payworks, waiting["identifier"], **ending)
    assert (done["status"], done["statusDetails"]["code"]) == ("ABORTED", code)


async def test_aborting_at_the_terminal_before_a_card_is_the_merchants_abort(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    done = await run(admin, payworks, charge, "10.00", abort=True)
    assert (done["status"], done["statusDetails"]["code"]) == (
        "ABORTED",
        "ABORTED_MERCHANT_ABORTED",
    )
    assert "cardDetails" not in done


async def test_a_transaction_executes_at_most_once(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    done = await run(admin, payworks, charge, "10.00")
    payment = await payment_of(admin, done["identifier"])
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(payment["id"], operation_id=done["identifier"])
    assert (refused.value.status, refused.value.code) == (409, "finished")
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(payment["id"])
    assert (refused.value.status, refused.value.code) == (409, "nothing_waiting")
    assert (await payworks.transaction(done["identifier"]))["status"] == "APPROVED"


async def test_another_card_follows_the_neutral_magic_table(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    declined = await run(admin, payworks, charge, "10.00", card_number="4000000000009995")
    assert (declined["status"], declined["statusDetails"]["code"]) == (
        "DECLINED",
        "DECLINED_INSUFFICIENT_FUNDS",
    )
    assert declined["cardDetails"]["scheme"] == "VISA"
    assert declined["cardDetails"]["maskedCardNumber"] == "400000******9995"
    failed = await run(admin, payworks, charge, "10.00", card_number="4000000000000119")
    assert (failed["status"], failed["statusDetails"]["code"]) == ("ERROR", "ERROR_PROCESSOR")


async def test_an_invalid_card_number_is_refused_and_changes_nothing(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge("10.00"))["transaction"]["identifier"]
    with pytest.raises(SandboxApiError) as refused:
        await executed(admin, payworks, identifier, card_number="4000000000000003")
    assert (refused.value.status, refused.value.code) == (409, "invalid_card")
    assert (await payworks.transaction(identifier))["status"] == "INITIALIZED"


async def test_a_pending_card_waits_for_the_processor_then_approves_on_the_tenant_clock(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    waiting = await run(admin, payworks, charge, "10.00", card_number="4000000000000259")
    assert (waiting["status"], waiting["statusDetails"]["code"]) == (
        "PENDING",
        "PENDING_WAITING_FOR_PROCESSOR",
    )
    await admin.advance_clock(5)
    assert (await payworks.transaction(waiting["identifier"]))["status"] == "APPROVED"


async def test_a_queued_outcome_wins_over_the_test_card(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    await admin.queue_outcome("insufficient_funds", provider="payworks")
    done = await run(admin, payworks, charge, "10.00")
    assert (done["status"], done["statusDetails"]["code"]) == (
        "DECLINED",
        "DECLINED_INSUFFICIENT_FUNDS",
    )
    assert (await run(admin, payworks, charge, "10.00"))["status"] == "APPROVED"


async def test_a_session_not_executed_in_time_is_declined_as_expired(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge("10.00"))["transaction"]["identifier"]
    await admin.advance_clock(899)
    assert (await payworks.transaction(identifier))["status"] == "INITIALIZED"
    await admin.advance_clock(1)
    lapsed = await payworks.transaction(identifier)
    assert (lapsed["status"], lapsed["statusDetails"]["code"]) == (
        "DECLINED",
        "DECLINED_INVALID_SESSION_EXPIRED",
    )
    payment = await payment_of(admin, identifier)
    assert payment["status"] == "expired"
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(payment["id"], operation_id=identifier)
    assert (refused.value.status, refused.value.code) == (409, "finished")


async def test_the_execute_call_refuses_what_is_not_card_present(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, charge: Charge
) -> None:
    identifier = (await charge("10.00"))["transaction"]["identifier"]
    payment = await payment_of(admin, identifier)
    for body, code in (
        ({"pin": "12"}, "invalid_request"),
        ({"abort": True, "remove_card": True}, "invalid_request"),
        ({"card_number": "4111-1111"}, "invalid_request"),
        ({"tip": 1}, "invalid_request"),
    ):
        with pytest.raises(SandboxApiError) as refused:
            await admin.call("POST", f"/payments/{payment['id']}/execute", body)
        assert (refused.value.status, refused.value.code) == (400, code)
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(payment["id"], remove_card=True)
    assert (refused.value.status, refused.value.code) == (409, "no_card_in_reader")
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(payment["id"], operation_id="no-such-operation")
    assert (refused.value.status, refused.value.code) == (404, "operation_not_found")
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute("no-such-payment")
    assert (refused.value.status, refused.value.code) == (404, "payment_not_found")
