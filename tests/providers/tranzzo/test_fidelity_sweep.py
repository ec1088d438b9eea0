"""Tranzzo behaviours of the fidelity sweep: every SDK field in order lists, card lookup, p2p,
split capture and the legacy refund ``amount``."""

from __future__ import annotations

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, decode_webhook
from psp_sandbox.simulator.providers.tranzzo.models import (
    ListedOperation,
    PrimaryOperation,
    SecondaryWithSplit,
)
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import CREDENTIALS, VISA, card

#: What the PHP SDK (dotsplatform ``Resources/Operation``) reads of every listed operation.
SDK_FIELDS = {
    "operation_id", "payment_id", "order_id", "transaction_id", "pos_id", "mode", "method",
    "amount", "currency", "status", "status_code", "status_description", "created_at",
    "processing_time", "fee", "comment",
}  # fmt: skip


async def refused(call: object) -> TranzzoApiError:
    with pytest.raises(TranzzoApiError) as raised:
        await call  # type: ignore[misc]
    return raised.value


async def test_every_listed_operation_carries_the_fields_the_sdk_reads_the_primary_too(
    tranzzo: AsyncTranzzoClient,
) -> None:
    auth = await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    await tranzzo.capture("o-1", "UAH", 60, comment="first box")
    await tranzzo.refund("o-1", "UAH", 10)
    listed = await tranzzo.order_status("o-1")
    assert [op["method"] for op in listed] == ["auth", "capture", "refund"]
    for op in listed:
        ListedOperation.model_validate(op)
        assert op.keys() >= SDK_FIELDS, SDK_FIELDS - op.keys()
        assert op["processing_time"] is not None and op["transaction_id"] is not None
    primary, capture, _refund = listed
    assert (primary["operation_id"], primary["comment"], primary["fee"]) == (
        auth["transaction_id"],
        None,
        None,
    )
    assert (capture["comment"], capture["fee"]) == ("first box", None)
    single = await tranzzo.operation_status("o-1", "auth")
    assert single == primary


async def test_a_pending_primary_is_listed_with_the_time_it_last_changed(
    tranzzo: AsyncTranzzoClient,
) -> None:
    pending = await tranzzo.purchase("o-1", 10, "UAH", card=card("4000000000000259"))
    assert pending["processing_time"] is None  # the answer: not processed yet
    [listed] = await tranzzo.order_status("o-1")
    assert (listed["status"], listed["processing_time"]) == ("pending", pending["created_at"])


async def test_a_card_lookup_verifies_the_card_and_holds_nothing(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    answer = await tranzzo.lookup("o-1", 1, "UAH", card=VISA)
    PrimaryOperation.model_validate(answer)
    assert (answer["method"], answer["status"], answer["status_code"]) == (
        "lookup",
        "success",
        "1006",
    )
    assert answer["cc_token"]
    view = await admin.payment(answer["payment_id"])
    assert (view["status"], view["authorized"], view["captured"]) == ("verified", 0, 0)
    for call in (
        tranzzo.capture("o-1", "UAH"),
        tranzzo.refund("o-1", "UAH"),
        tranzzo.void("o-1", "UAH"),
    ):
        assert (await refused(call)).code == "P-410"
    declined = await tranzzo.lookup("o-2", 1, "UAH", card=card("4000000000000069"))
    assert (declined["status"], declined["status_code"]) == ("failure", "5054")
    [listed] = await tranzzo.order_status("o-1")
    assert listed["method"] == "lookup"
    assert (await tranzzo.operation_status("o-1", "lookup"))["status"] == "success"


async def test_a_p2p_transfer_pays_out_and_cannot_be_refunded(
    tranzzo: AsyncTranzzoClient,
) -> None:
    answer = await tranzzo.p2p("o-1", 250, "UAH", card=VISA, receiver_cc_number="5454545454545454")
    assert (answer["method"], answer["status"], answer["status_code"]) == ("p2p", "success", "1007")
    assert "5454545454545454" not in str(answer)
    assert (await refused(tranzzo.refund("o-1", "UAH"))).code == "P-410"
    challenged = await tranzzo.p2p("o-2", 5, "UAH", card=VISA, order_3ds_bypass="never")
    assert (challenged["status"], challenged["user_action_required"]) == ("pending", True)


async def test_a_lookup_webhook_names_its_method(
    tranzzo: AsyncTranzzoClient, webhook_sink: WebhookSink
) -> None:
    await tranzzo.lookup("o-1", 1, "UAH", card=VISA, server_url=webhook_sink.url_for("hook"))
    [delivery] = await webhook_sink.received(1)
    data = decode_webhook(delivery.form, CREDENTIALS.api_secret)
    assert (data["method"], data["status"]) == ("lookup", "success")


async def test_a_split_capture_captures_the_charge_amount_and_answers_its_shares(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    auth = await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    answer = await tranzzo.split_capture("o-1", "UAH", 70, [("shop-a", 50), ("shop-b", "20.00")])
    SecondaryWithSplit.model_validate(answer)
    assert (answer["method"], answer["amount"], answer["status_code"]) == ("capture", 70, "1001")
    assert answer["split"] == [
        {"sub_merchant_id": "shop-a", "amount": 50},
        {"sub_merchant_id": "shop-b", "amount": 20},
    ]
    view = await admin.payment(auth["payment_id"])
    assert (view["status"], view["captured"]) == ("captured", 7_000)
    second = await refused(tranzzo.split_capture("o-1", "UAH", 30, [("shop-a", 30)]))
    assert (second.status, second.code) == (400, "P-410")


async def test_a_split_capture_follows_the_capture_rules(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    over = await refused(tranzzo.split_capture("o-1", "UAH", 101, [("shop-a", 101)]))
    assert (over.status, over.code) == (400, "P-411")
    await tranzzo.purchase("o-2", 100, "UAH", card=VISA)
    not_auth = await refused(tranzzo.split_capture("o-2", "UAH", 10, [("shop-a", 10)]))
    assert not_auth.code == "P-410"


@pytest.mark.parametrize(
    ("split", "field"),
    [
        ([("shop-a", 40), ("shop-b", 20)], "split"),
        ([], "split"),
        ([("", 70)], "split"),
        ([("shop-a", "69.999"), ("shop-b", "0.001")], "split"),
    ],
)
async def test_a_split_that_does_not_add_up_is_a_400_naming_split(
    tranzzo: AsyncTranzzoClient, split: list[tuple[str, object]], field: str
) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    error = await refused(tranzzo.split_capture("o-1", "UAH", 70, split))  # type: ignore[arg-type]
    assert (error.status, error.code, error.message) == (400, "P-400", f"Invalid {field} provided")
    assert (await tranzzo.order_status("o-1"))[-1]["method"] == "auth"


async def test_a_refund_with_the_legacy_amount_field_refunds_that_amount(
    tranzzo: AsyncTranzzoClient,
) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    body = {"pos_id": CREDENTIALS.pos_id, "order_id": "o-1", "order_currency": "UAH", "amount": 30}
    answer = await tranzzo.send("/api/v1/refund", body)
    assert (answer["amount"], answer["status"]) == (30, "success")
    both = await tranzzo.send("/api/v1/refund", {**body, "amount": 50, "refund_amount": 20})
    assert both["amount"] == 20
    rest = await tranzzo.refund("o-1", "UAH")
    assert rest["amount"] == 50
