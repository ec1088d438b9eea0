"""Secondary transactions (seed 003): postAuths, voids, returns and preauth changes."""

from __future__ import annotations

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined, FiservNotFound
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, TenantClock, card


async def refused(call: object) -> FiservDeclined:
    with pytest.raises(FiservDeclined) as raised:
        await call  # type: ignore[misc]
    assert (raised.value.status, raised.value.response_type) == (409, "GatewayDeclined")
    assert raised.value.body["transactionStatus"] == "VALIDATION_FAILED"
    return raised.value


async def test_partial_postauths_with_split_shipment_until_the_final_one(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("100.00", "EUR", card=VISA, order_id="o-1")
    first = await fiserv.postauth(
        preauth["ipgTransactionId"], "30.00", "EUR", split_shipment={"finalShipment": False}
    )
    assert (first["transactionType"], first["transactionState"]) == ("POSTAUTH", "CAPTURED")
    assert first["approvedAmount"]["total"] == 30.0
    assert first["ipgTransactionId"] != preauth["ipgTransactionId"]
    last = await fiserv.postauth(
        "o-1", "50.00", "EUR", split_shipment={"finalShipment": True}, by_order=True
    )
    assert last["transactionResult"] == "APPROVED"
    error = await refused(fiserv.postauth("o-1", "10.00", "EUR", by_order=True))
    assert (error.code, error.message) == ("10501", "PostAuth already performed")


async def test_a_postauth_without_split_shipment_completes_the_preauth(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("100.00", "EUR", card=VISA)
    await fiserv.postauth(preauth["ipgTransactionId"], "40.00", "EUR")
    error = await refused(fiserv.postauth(preauth["ipgTransactionId"], "10.00", "EUR"))
    assert error.code == "10501"


async def test_split_shipments_close_at_the_total_count_set_on_the_preauth(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth(
        "90.00", "EUR", card=VISA, splitShipment={"totalCount": 2, "finalShipment": False}
    )
    reference = preauth["ipgTransactionId"]
    split = {"finalShipment": False}
    await fiserv.postauth(reference, "30.00", "EUR", split_shipment=split)
    await fiserv.postauth(reference, "30.00", "EUR", split_shipment=split)
    error = await refused(fiserv.postauth(reference, "10.00", "EUR", split_shipment=split))
    assert error.code == "10501"


async def test_a_postauth_above_the_authorization_is_10503_and_on_a_sale_10501(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("10.00", "EUR", card=VISA)
    error = await refused(fiserv.postauth(preauth["ipgTransactionId"], "10.01", "EUR"))
    assert (error.code, error.message) == ("10503", "Invalid amount or currency")
    sale = await fiserv.sale("10.00", "EUR", card=VISA)
    error = await refused(fiserv.postauth(sale["ipgTransactionId"], "1.00", "EUR"))
    assert error.message == (
        "Only approved (and not yet captured) PreAuth transactions can be captured by a PostAuth."
    )


async def test_returns_are_partial_and_never_exceed_what_was_captured(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    sale = await fiserv.sale("50.00", "EUR", card=VISA, order_id="o-1")
    await clock.advance(admin, 86_400)
    first = await fiserv.return_(sale["ipgTransactionId"], "20.00", "EUR")
    assert (first["transactionType"], first["transactionState"]) == ("RETURN", "CAPTURED")
    error = await refused(fiserv.return_(sale["ipgTransactionId"], "30.01", "EUR"))
    assert error.code == "10503"
    await fiserv.return_("o-1", "30.00", "EUR", by_order=True)
    error = await refused(fiserv.return_("o-1", "0.01", "EUR", by_order=True))
    assert (error.code, error.message) == (
        "5009",
        "No transaction found in order which can be returned",
    )


async def test_returns_of_a_postauth_are_limited_to_that_postauth(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    preauth = await fiserv.preauth("100.00", "EUR", card=VISA)
    split = {"finalShipment": False}
    one = await fiserv.postauth(preauth["ipgTransactionId"], "30.00", "EUR", split_shipment=split)
    await fiserv.postauth(preauth["ipgTransactionId"], "40.00", "EUR", split_shipment=split)
    await clock.advance(admin, 86_400)
    error = await refused(fiserv.return_(one["ipgTransactionId"], "31.00", "EUR"))
    assert error.code == "10503"
    done = await fiserv.return_(preauth["ipgTransactionId"], "70.00", "EUR")
    assert done["transactionResult"] == "APPROVED"


async def test_a_return_is_for_a_transaction_of_an_earlier_day_seed_003(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    """Seed 003: void the same day; return "a transaction made before the current day"."""
    sale = await fiserv.sale("10.00", "EUR", card=VISA, order_id="o-1")
    for call in (
        fiserv.return_(sale["ipgTransactionId"], "4.00", "EUR"),
        fiserv.return_("o-1", "4.00", "EUR", by_order=True),
    ):
        error = await refused(call)
        assert (error.status, error.code) == (409, "5009")
    await clock.advance(admin, 86_400)
    back = await fiserv.return_(sale["ipgTransactionId"], "4.00", "EUR")
    assert (back["transactionType"], back["transactionResult"]) == ("RETURN", "APPROVED")
    more = await fiserv.return_("o-1", "1.00", "EUR", by_order=True)
    assert more["transactionResult"] == "APPROVED"


async def test_a_sale_is_voided_the_same_day_only_on_the_tenant_clock(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA)
    void = await fiserv.void(sale["ipgTransactionId"])
    assert (void["transactionType"], void["transactionState"]) == ("VOID", "VOIDED")
    voided = await fiserv.transaction(sale["ipgTransactionId"])
    assert (voided["transactionType"], voided["transactionResult"]) == ("SALE", "APPROVED")
    assert voided["transactionState"] == "VOIDED"
    later = await fiserv.sale("10.00", "EUR", card=VISA)
    await clock.advance(admin, 86_400)
    error = await refused(fiserv.void(later["ipgTransactionId"]))
    assert (error.code, error.message) == ("5019", "The transaction to be voided is not voidable")
    settled = await fiserv.transaction(later["ipgTransactionId"])
    assert settled["transactionState"] == "SETTLED"
    returned = await fiserv.return_(later["ipgTransactionId"], "10.00", "EUR")
    assert returned["transactionResult"] == "APPROVED"


async def test_voiding_a_postauth_reopens_the_preauth(fiserv: AsyncFiservClient) -> None:
    preauth = await fiserv.preauth("100.00", "EUR", card=VISA, order_id="o-1")
    postauth = await fiserv.postauth("o-1", "60.00", "EUR", by_order=True)
    await fiserv.void(postauth["ipgTransactionId"])
    again = await fiserv.postauth(preauth["ipgTransactionId"], "100.00", "EUR")
    assert again["transactionResult"] == "APPROVED"
    order = await fiserv.order("o-1")
    assert [(t["transactionType"], t["transactionState"]) for t in order["transactions"]] == [
        ("PREAUTH", "AUTHORIZED"),
        ("POSTAUTH", "VOIDED"),
        ("VOID", "VOIDED"),
        ("POSTAUTH", "CAPTURED"),
    ]


async def test_a_preauth_with_a_captured_postauth_is_not_voidable_5022(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("100.00", "EUR", card=VISA)
    await fiserv.postauth(
        preauth["ipgTransactionId"], "10.00", "EUR", split_shipment={"finalShipment": False}
    )
    error = await refused(fiserv.void_preauth(preauth["ipgTransactionId"]))
    assert error.code == "5022"
    error = await refused(fiserv.void(preauth["ipgTransactionId"]))
    assert error.code == "5022"


async def test_void_preauth_transactions_voids_the_preauth_and_its_increments(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    preauth = await fiserv.preauth("40.00", "EUR", card=VISA, order_id="o-1")
    await fiserv.change_preauth(preauth["ipgTransactionId"], "10.00", "EUR")
    await clock.advance(admin, 2 * 86_400)  # a preauth is voided on any later day
    void = await fiserv.void_preauth("o-1", by_order=True)
    assert (void["transactionType"], void["approvedAmount"]["total"]) == ("VOID", 50.0)
    order = await fiserv.order("o-1")
    assert {t["transactionState"] for t in order["transactions"]} == {"VOIDED"}
    error = await refused(fiserv.postauth("o-1", "1.00", "EUR", by_order=True))
    assert error.code == "10501"


async def test_void_preauth_on_a_sale_order_is_5004(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA)
    error = await refused(fiserv.void_preauth(sale["ipgTransactionId"]))
    assert (error.code, error.message) == (
        "5004",
        "The order does not include an authorized preauth",
    )


async def test_the_singular_void_preauth_request_type_of_the_latam_docs_is_accepted(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("10.00", "EUR", card=VISA)
    void = await fiserv.secondary(
        preauth["ipgTransactionId"], {"requestType": "VoidPreAuthTransaction"}
    )
    assert void["transactionState"] == "VOIDED"


async def test_a_return_is_not_voidable_10504_and_a_void_amount_must_match_5007(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA)
    await clock.advance(admin, 86_400)
    back = await fiserv.return_(sale["ipgTransactionId"], "4.00", "EUR")
    error = await refused(fiserv.void(back["ipgTransactionId"]))
    assert (error.code, error.message) == ("10504", "This return is not voidable")
    other = await fiserv.sale("10.00", "EUR", card=VISA)
    error = await refused(fiserv.void(other["ipgTransactionId"], "9.00", "EUR"))
    assert error.code == "5007"
    assert (await fiserv.void(other["ipgTransactionId"], "10.00", "EUR"))["transactionResult"] == (
        "APPROVED"
    )


async def test_another_preauth_on_the_same_order_increments_or_decrements_it(
    fiserv: AsyncFiservClient,
) -> None:
    """Seed 003: "send another preauth for the same cardholder referencing the orderId"."""
    await fiserv.preauth("20.00", "EUR", card=VISA, order_id="o-1")
    more = await fiserv.preauth("17.00", "EUR", card=VISA, order_id="o-1")
    assert (more["transactionType"], more["approvedAmount"]["total"]) == ("PREAUTH", 17.0)
    less = await fiserv.preauth("7.00", "EUR", card=VISA, order_id="o-1", decrementalFlag=True)
    assert less["transactionResult"] == "APPROVED"
    error = await refused(fiserv.postauth("o-1", "30.01", "EUR", by_order=True))
    assert error.code == "10503"
    done = await fiserv.postauth("o-1", "30.00", "EUR", by_order=True)
    assert done["transactionResult"] == "APPROVED"


async def test_another_cardholder_or_a_closed_preauth_on_the_order_is_5003(
    fiserv: AsyncFiservClient,
) -> None:
    await fiserv.preauth("20.00", "EUR", card=VISA, order_id="o-1")
    error = await refused(
        fiserv.preauth("5.00", "EUR", card=card("5555555555554444"), order_id="o-1")
    )
    assert error.code == "5003"
    await fiserv.void_preauth("o-1", by_order=True)
    error = await refused(fiserv.preauth("5.00", "EUR", card=VISA, order_id="o-1"))
    assert error.code == "5003"


async def test_preauth_secondary_transactions_raise_and_lower_the_hold(
    fiserv: AsyncFiservClient,
) -> None:
    preauth = await fiserv.preauth("10.00", "EUR", card=VISA)
    reference = preauth["ipgTransactionId"]
    up = await fiserv.change_preauth(reference, "5.00", "EUR")
    assert (up["transactionType"], up["transactionState"]) == ("PREAUTH", "AUTHORIZED")
    await fiserv.change_preauth(reference, "3.00", "EUR", decremental=True)
    error = await refused(fiserv.change_preauth(reference, "12.00", "EUR", decremental=True))
    assert error.code == "10503"
    assert (await fiserv.postauth(reference, "12.00", "EUR"))["transactionResult"] == "APPROVED"
    sale = await fiserv.sale("1.00", "EUR", card=VISA)
    error = await refused(fiserv.change_preauth(sale["ipgTransactionId"], "1.00", "EUR"))
    assert error.code == "5004"


async def test_a_secondary_in_another_currency_is_22813(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("10.00", "EUR", card=VISA)
    error = await refused(fiserv.return_(sale["ipgTransactionId"], "1.00", "USD"))
    assert error.code == "22813"


async def test_secondaries_on_unknown_transactions_or_orders_are_404(
    fiserv: AsyncFiservClient,
) -> None:
    for call in (
        fiserv.void("99999999999"),
        fiserv.return_("no-such-order", "1.00", "EUR", by_order=True),
    ):
        with pytest.raises(FiservNotFound) as missing:
            await call
        assert missing.value.body["responseType"] == "NotFound"
        assert missing.value.body["error"]["code"] == "404"


async def test_a_queued_decline_of_a_postauth_is_422_and_changes_nothing(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    preauth = await fiserv.preauth("10.00", "EUR", card=VISA)
    await admin.queue_outcome("declined", operation="capture", provider="fiserv")
    with pytest.raises(FiservDeclined) as declined:
        await fiserv.postauth(preauth["ipgTransactionId"], "10.00", "EUR")
    assert (declined.value.status, declined.value.body["transactionType"]) == (422, "POSTAUTH")
    assert (await fiserv.postauth(preauth["ipgTransactionId"], "10.00", "EUR"))[
        "transactionResult"
    ] == "APPROVED"
