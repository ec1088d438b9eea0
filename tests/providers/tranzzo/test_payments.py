"""Tranzzo primary operations and order information, over real HTTP."""

from __future__ import annotations

import re

import aiohttp
import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, TranzzoNotFound
from psp_sandbox.simulator.providers.tranzzo.models import PrimaryOperation, SecondaryOperation
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import VISA, card

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")


async def test_a_direct_purchase_succeeds_with_the_documented_fields(
    tranzzo: AsyncTranzzoClient,
) -> None:
    answer = await tranzzo.purchase("o-1", "100.50", "UAH", card=VISA, description="Books")
    PrimaryOperation.model_validate(answer)
    assert answer["status"] == "success"
    assert answer["status_code"] == "1000"
    assert answer["status_description"] == "Transaction is successful."
    assert answer["method"] == "purchase"
    assert answer["mode"] == "direct"
    assert answer["amount"] == 100.5
    assert answer["currency"] == "UAH"
    assert answer["order_id"] == "o-1"
    assert answer["cc_mask"] == "424242******4242"
    assert answer["user_action_required"] is False
    assert TIMESTAMP.match(answer["created_at"])
    assert answer["bank_short_name"]


async def test_whole_amounts_are_json_integers(tranzzo: AsyncTranzzoClient) -> None:
    answer = await tranzzo.purchase("o-1", "250.00", "UAH", card=VISA)
    assert answer["amount"] == 250
    assert isinstance(answer["amount"], int)


async def test_an_auth_succeeds_with_code_1002(tranzzo: AsyncTranzzoClient) -> None:
    answer = await tranzzo.auth("o-1", 40, "XTS", card=VISA)
    assert (answer["status"], answer["status_code"], answer["method"]) == (
        "success",
        "1002",
        "auth",
    )


async def test_no_full_card_number_is_ever_answered_or_stored(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    answer = await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
    stored = await admin.payment(answer["payment_id"])
    for text in (str(answer), str(stored)):
        assert VISA.number not in text


async def test_order_status_lists_every_operation_oldest_first(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.auth("o-1", 100, "UAH", card=VISA)
    await tranzzo.capture("o-1", "UAH", 80)
    await tranzzo.refund("o-1", "UAH", 30)
    operations = await tranzzo.order_status("o-1")
    assert [(o["method"], o["status"], o["amount"]) for o in operations] == [
        ("auth", "success", 100),
        ("capture", "success", 80),
        ("refund", "success", 30),
    ]
    PrimaryOperation.model_validate(operations[0])
    SecondaryOperation.model_validate(operations[2])


async def test_one_operation_of_an_order_is_its_newest_of_that_kind(
    tranzzo: AsyncTranzzoClient,
) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    await tranzzo.refund("o-1", "UAH", 10)
    second = await tranzzo.refund("o-1", "UAH", 20)
    found = await tranzzo.operation_status("o-1", "refund")
    assert found["operation_id"] == second["operation_id"]
    by_id = await tranzzo.operation_status("o-1", "purchase")
    assert by_id["method"] == "purchase"


async def test_an_unknown_order_is_404_in_tranzzos_envelope(tranzzo: AsyncTranzzoClient) -> None:
    with pytest.raises(TranzzoNotFound) as raised:
        await tranzzo.order_status("0")
    assert raised.value.code == "P-404"
    assert raised.value.message == "Order not found"


async def test_an_operation_the_order_never_had_is_404(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    with pytest.raises(TranzzoNotFound):
        await tranzzo.operation_status("o-1", "capture")


async def test_a_duplicate_order_id_is_refused_with_p409(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    assert (raised.value.status, raised.value.code) == (400, "P-409")


async def test_a_hosted_payment_answers_its_payment_page(tranzzo: AsyncTranzzoClient) -> None:
    answer = await tranzzo.purchase("o-1", 100, "UAH", mode="hosted")
    assert answer["status"] == "init"
    assert answer["redirect_url"].endswith(f"/_sandbox/checkout/{answer['payment_id']}")
    [listed] = await tranzzo.order_status("o-1")
    assert listed["status"] == "init"


async def test_a_hosted_payment_without_json_accept_is_a_302(sandbox: Sandbox) -> None:
    from .conftest import CREDENTIALS

    body = {
        "pos_id": CREDENTIALS.pos_id,
        "mode": "hosted",
        "method": "purchase",
        "amount": 5,
        "currency": "UAH",
        "description": "d",
        "order_id": "o-302",
        "order_3ds_bypass": "supported",
    }
    headers = {
        **sandbox.headers,
        "X-API-AUTH": f"CPAY {CREDENTIALS.api_key}:{CREDENTIALS.api_secret}",
        "X-API-KEY": CREDENTIALS.endpoints_key,
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{sandbox.url}/tranzzo/api/v1/payment",
            json=body,
            headers=headers,
            allow_redirects=False,
        ) as answer,
    ):
        assert answer.status == 302
        assert "/_sandbox/checkout/" in answer.headers["Location"]
        assert (await answer.json())["redirect_url"] == answer.headers["Location"]


async def test_a_card_token_pays_again_without_the_card(tranzzo: AsyncTranzzoClient) -> None:
    first = await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
    assert first["cc_token"]
    again = await tranzzo.purchase("o-2", 20, "UAH", cc_token=first["cc_token"])
    assert again["status"] == "success"
    assert again["cc_mask"] == first["cc_mask"]
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.purchase("o-3", 20, "UAH", cc_token="no-such-token")
    assert raised.value.status == 400


async def test_a_credit_pays_out_and_cannot_be_refunded(tranzzo: AsyncTranzzoClient) -> None:
    answer = await tranzzo.payment("credit", "o-1", 10, "UAH", card=card("5454545454545454"))
    assert (answer["method"], answer["status"]) == ("credit", "success")
    with pytest.raises(TranzzoApiError):
        await tranzzo.refund("o-1", "UAH")


async def test_health_answers_ok(tranzzo: AsyncTranzzoClient) -> None:
    assert await tranzzo.health() == "OK"


async def test_tenants_do_not_see_each_others_orders(sandbox: Sandbox) -> None:
    from .conftest import CREDENTIALS

    async with (
        AsyncTranzzoClient(
            sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers
        ) as mine,
        AsyncTranzzoClient(
            sandbox.base_url("tranzzo"),
            CREDENTIALS,
            headers={"X-Sandbox-Tenant": sandbox.tenant + "-other"},
        ) as theirs,
    ):
        await mine.purchase("shared-id", 10, "UAH", card=VISA)
        with pytest.raises(TranzzoNotFound):
            await theirs.order_status("shared-id")
        assert (await theirs.purchase("shared-id", 10, "UAH", card=VISA))["status"] == "success"
