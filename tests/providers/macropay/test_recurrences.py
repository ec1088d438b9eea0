"""Macropay recurrences: a token from the initial payment, recurring and final charges with it."""

from __future__ import annotations

from dataclasses import dataclass

from psp_sandbox.client.macropay import AsyncMacropayClient, Card
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, CreateOrder, card, envelope, refused

NOT_AVAILABLE = envelope("0150", "Recurring Data Reference Not Available")
TOKEN_NOT_FOUND = envelope("0151", "Token Not Found")
MISSING_DATA = envelope("0312", "Missing or Invalid Data")
UNKNOWN_UUID = "0b6e1f5e-7a8a-4c43-9d4e-0d3f0d1f2a3b"


@dataclass(frozen=True)
class Initial:
    transaction_id: str
    token: str


async def initial(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    with_card: Card = VISA,
    min_period: int | None = None,
) -> Initial:
    order = await new_order(sequence="initial", generate_token=True, min_period=min_period)
    answer = await macropay.pay_with_card(order, with_card)
    assert answer["transactionStatus"] == "success"
    found = await macropay.transaction(answer["transactionId"])
    return Initial(answer["transactionId"], found["tokenId"])


async def charge(
    macropay: AsyncMacropayClient,
    new_order: CreateOrder,
    parent: Initial,
    step: str = "recurring",
    token: str | None = None,
) -> dict[str, object]:
    order = await new_order("4.99", sequence=step, parent_transaction_id=parent.transaction_id)
    result: dict[str, object] = await macropay.pay_with_token(order, token or parent.token)
    return result


async def test_an_initial_payment_with_generate_token_yields_a_token_for_recurrences(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    first = await initial(macropay, new_order)
    for _ in range(3):
        answer = await charge(macropay, new_order, first)
        assert answer["transactionStatus"] == "success"
    found = await macropay.transaction(str(answer["transactionId"]))
    assert (found["sequence"], found["parentTransactionId"]) == ("recurring", first.transaction_id)


async def test_no_token_is_shown_for_a_payment_that_did_not_succeed(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    order = await new_order(sequence="initial", generate_token=True)
    answer = await macropay.pay_with_card(order, card("4000000000000002"))
    assert "tokenId" not in await macropay.transaction(answer["transactionId"])


async def test_a_final_charge_closes_the_chain_and_disables_the_token(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    first = await initial(macropay, new_order)
    assert (await charge(macropay, new_order, first, "final"))["transactionStatus"] == "success"
    for step in ("recurring", "final"):
        error = await refused(charge(macropay, new_order, first, step))
        assert (error.status, error.body) == (400, NOT_AVAILABLE)
    customer_present = await new_order()
    error = await refused(macropay.pay_with_token(customer_present, first.token))
    assert (error.status, error.body) == (400, TOKEN_NOT_FOUND)


async def test_a_declined_final_charge_leaves_the_chain_open(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    first = await initial(macropay, new_order)
    await admin.queue_outcome("declined", provider="macropay")
    assert (await charge(macropay, new_order, first, "final"))["transactionStatus"] == "failed"
    assert (await charge(macropay, new_order, first, "recurring"))["transactionStatus"] == "success"


async def test_while_a_final_charge_is_in_process_the_chain_takes_no_other(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    first = await initial(macropay, new_order)
    await admin.queue_outcome("pending_approved", provider="macropay", delay_seconds=60)
    assert (await charge(macropay, new_order, first, "final"))["transactionStatus"] == "in_process"
    assert (await refused(charge(macropay, new_order, first))).body == NOT_AVAILABLE
    await admin.advance_clock(60)
    assert (await refused(charge(macropay, new_order, first))).body == NOT_AVAILABLE
    error = await refused(macropay.pay_with_token(await new_order(), first.token))
    assert error.body == TOKEN_NOT_FOUND


async def test_a_parent_that_is_not_a_successful_open_initial_is_not_available(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    first = await initial(macropay, new_order)
    unknown = Initial(UNKNOWN_UUID, first.token)
    assert (await refused(charge(macropay, new_order, unknown))).body == NOT_AVAILABLE
    plain = await macropay.pay_with_card(await new_order(generate_token=True), VISA)
    not_initial = Initial(plain["transactionId"], first.token)
    assert (await refused(charge(macropay, new_order, not_initial))).body == NOT_AVAILABLE
    recurring = await charge(macropay, new_order, first)
    child = Initial(str(recurring["transactionId"]), first.token)
    assert (await refused(charge(macropay, new_order, child))).body == NOT_AVAILABLE
    other = await initial(macropay, new_order)
    error = await refused(charge(macropay, new_order, first, token=other.token))
    assert error.body == NOT_AVAILABLE


async def test_only_a_successful_initial_payment_heads_a_chain(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    for number in ("4000000000000002", "4000000000000259"):
        order = await new_order(sequence="initial", generate_token=True)
        answer = await macropay.pay_with_card(order, card(number))
        # The token exists but is not shown before success: the admin API reveals it.
        stored = await admin.find_payment("macropay", order)
        parent = Initial(answer["transactionId"], stored["operations"][0]["details"]["token_id"])
        assert (await refused(charge(macropay, new_order, parent))).body == NOT_AVAILABLE
    await admin.advance_clock(5)  # the pending one succeeds; its card stays a pending one
    assert (await charge(macropay, new_order, parent))["transactionStatus"] == "in_process"


async def test_an_unknown_token_is_not_found_and_a_malformed_one_is_invalid(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    first = await initial(macropay, new_order)
    error = await refused(charge(macropay, new_order, first, token=UNKNOWN_UUID))
    assert (error.status, error.body) == (400, TOKEN_NOT_FOUND)
    error = await refused(charge(macropay, new_order, first, token="tok_123"))
    assert (error.status, error.body) == (400, envelope("0300", "Invalid Request"))


async def test_the_method_must_fit_the_orders_sequence(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    first = await initial(macropay, new_order)
    for step in ("recurring", "final"):
        order = await new_order(sequence=step, parent_transaction_id=first.transaction_id)
        error = await refused(macropay.pay_with_card(order, VISA))
        assert (error.status, error.body) == (400, MISSING_DATA)
    initial_order = await new_order(sequence="initial", generate_token=True)
    error = await refused(macropay.pay_with_token(initial_order, first.token))
    assert (error.status, error.body) == (400, MISSING_DATA)


async def test_a_customer_present_payment_may_use_a_token(
    macropay: AsyncMacropayClient, new_order: CreateOrder
) -> None:
    order = await new_order(generate_token=True)
    paid = await macropay.pay_with_card(order, VISA)
    token = (await macropay.transaction(paid["transactionId"]))["tokenId"]
    answer = await macropay.pay_with_token(await new_order(), token)
    assert answer["transactionStatus"] == "success"


async def test_an_expired_card_behind_a_token_is_refused(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    now = (await admin.clock())["now"]
    year, month = int(now[:4]), int(now[5:7])
    first = await initial(
        macropay, new_order, card(VISA.number, expiry_month=month, expiry_year=year)
    )
    await admin.advance_clock(32 * 86_400)
    error = await refused(charge(macropay, new_order, first))
    assert (error.status, error.body) == (400, envelope("0204", "Expired Card"))


async def test_the_minimum_period_is_kept_on_the_tenant_clock(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    first = await initial(macropay, new_order, min_period=30)
    await admin.advance_clock(29 * 86_400)
    assert (await refused(charge(macropay, new_order, first))).body == NOT_AVAILABLE
    await admin.advance_clock(86_400)
    assert (await charge(macropay, new_order, first))["transactionStatus"] == "success"
    await admin.advance_clock(86_400)
    assert (await refused(charge(macropay, new_order, first, "final"))).body == NOT_AVAILABLE
    await admin.advance_clock(29 * 86_400)
    assert (await charge(macropay, new_order, first, "final"))["transactionStatus"] == "success"


async def test_merchant_initiated_charges_are_never_challenged(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    order = await new_order(sequence="initial", generate_token=True)
    answer = await macropay.pay_with_card(order, card("4000000000003220"))
    assert answer["transactionStatus"] == "waiting_user_interaction"
    await admin.complete_challenge((await admin.find_payment("macropay", order))["id"], "approve")
    token = (await macropay.transaction(answer["transactionId"]))["tokenId"]
    first = Initial(answer["transactionId"], token)
    assert (await charge(macropay, new_order, first))["transactionStatus"] == "success"
    # A customer-present payment with the same token is challenged again.
    again = await macropay.pay_with_token(await new_order(), token)
    assert again["transactionStatus"] == "waiting_user_interaction"
