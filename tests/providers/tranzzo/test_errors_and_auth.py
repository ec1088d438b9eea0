"""Bad input and bad credentials get Tranzzo's own error answers — never a 500."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.tranzzo import (
    AsyncTranzzoClient,
    TranzzoApiError,
    TranzzoAuthError,
    TranzzoCredentials,
)
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import CREDENTIALS, VISA


def auth_headers(c: TranzzoCredentials = CREDENTIALS) -> dict[str, str]:
    return {"X-API-AUTH": f"CPAY {c.api_key}:{c.api_secret}", "X-API-KEY": c.endpoints_key}


async def raw(
    sandbox: Sandbox,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method,
            f"{sandbox.url}/tranzzo{path}",
            data=body,
            headers={**sandbox.headers, **auth_headers(), **(headers or {})},
        ) as answer,
    ):
        return answer.status, await answer.json(content_type=None)


def purchase(**changes: Any) -> dict[str, Any]:
    body = {
        "pos_id": CREDENTIALS.pos_id,
        "mode": "direct",
        "method": "purchase",
        "amount": 10,
        "currency": "UAH",
        "description": "d",
        "order_id": "o-1",
        "order_3ds_bypass": "supported",
        "cc_number": VISA.number,
        "exp_month": 12,
        "exp_year": 30,
        "card_cvv": "123",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"order_id": "x" * 33}, "order_id"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10.555}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"currency": "ZZZ"}, "currency"),
        ({"mode": "sideways"}, "mode"),
        ({"order_3ds_bypass": None}, "order_3ds_bypass"),
        ({"pos_id": "not-a-uuid"}, "pos_id"),
        ({"description": None}, "description"),
        ({"cc_number": "4242424242424241"}, "cc_number"),
        ({"server_url": "ftp://example.com"}, "server_url"),
    ],
)
async def test_invalid_payment_fields_are_400_naming_the_field(
    tranzzo: AsyncTranzzoClient, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.send("/api/v1/payment", purchase(**changes))
    error = raised.value
    assert error.status == 400
    assert error.code == "P-400"
    assert error.body["args"]["field_name"].startswith(field)
    assert len(error.message) <= 512


async def test_amount_finer_than_the_currency_allows_is_400(tranzzo: AsyncTranzzoClient) -> None:
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.purchase("o-1", "10.5", "JPY", card=VISA)
    assert (raised.value.status, raised.value.body["args"]["field_name"]) == (400, "amount")


async def test_comment_longer_than_2048_is_400(tranzzo: AsyncTranzzoClient) -> None:
    await tranzzo.purchase("o-1", 100, "UAH", card=VISA)
    with pytest.raises(TranzzoApiError) as raised:
        await tranzzo.refund("o-1", "UAH", 1, comment="c" * 2049)
    assert raised.value.status == 400
    assert (await tranzzo.refund("o-1", "UAH", 1, comment="c" * 2048))["comment"] == "c" * 2048


async def test_malformed_json_is_400(sandbox: Sandbox) -> None:
    status, body = await raw(
        sandbox,
        "POST",
        "/api/v1/payment",
        body=b"{nope",
        headers={"Content-Type": "application/json"},
    )
    assert status == 400
    assert body["args"]["code"] == "P-400"


async def test_a_post_without_json_content_type_is_406(sandbox: Sandbox) -> None:
    status, body = await raw(
        sandbox,
        "POST",
        "/api/v1/payment",
        body=b"pos_id=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, body["args"]["code"]) == (406, "P-406")


async def test_an_unknown_endpoint_is_404_and_a_wrong_method_405(sandbox: Sandbox) -> None:
    status, body = await raw(sandbox, "GET", "/api/v1/nowhere")
    assert (status, body["args"]["code"]) == (404, "P-404")
    status, body = await raw(sandbox, "GET", "/api/v1/refund")
    assert (status, body["args"]["code"]) == (405, "P-405")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-AUTH": ""},
        {"X-API-AUTH": "Bearer x"},
        {"X-API-AUTH": f"CPAY {CREDENTIALS.api_key}:wrong-secret"},
        {"X-API-KEY": "AIzaSyWrong"},
    ],
)
async def test_bad_credentials_are_401_with_the_documented_message(
    sandbox: Sandbox, headers: dict[str, str]
) -> None:
    status, body = await raw(
        sandbox, "GET", f"/api/v1/pos/{CREDENTIALS.pos_id}/orders/0", headers=headers
    )
    assert status == 401
    assert body == {"message": "Invalid pos_id field or credentials", "args": {"code": "P-401"}}


async def test_a_pos_id_that_is_not_the_credentials_pos_is_401(tranzzo: AsyncTranzzoClient) -> None:
    other = "11111111-2222-4333-8444-555555555555"
    with pytest.raises(TranzzoAuthError) as raised:
        await tranzzo.send("/api/v1/payment", purchase(pos_id=other))
    assert raised.value.message == "Invalid pos_id field or credentials"


async def test_open_mode_provisions_new_credentials_and_binds_their_pos(sandbox: Sandbox) -> None:
    fresh = TranzzoCredentials(
        "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        "12345678-1234-4123-8123-123456789012",
        "0123456789abcdef0123456789abcdef",
        "AIzaSyFreshKey",
    )
    async with AsyncTranzzoClient(sandbox.base_url("tranzzo"), fresh, headers=sandbox.headers) as c:
        assert (await c.purchase("o-9", 10, "UAH", card=VISA))["status"] == "success"
    wrong_secret = TranzzoCredentials(fresh.pos_id, fresh.api_key, "x" * 32, fresh.endpoints_key)
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), wrong_secret, headers=sandbox.headers
    ) as c:
        with pytest.raises(TranzzoAuthError):
            await c.order_status("o-9")
    other_pos = TranzzoCredentials(
        "99999999-bbbb-4ccc-8ddd-eeeeeeeeeeee", fresh.api_key, fresh.api_secret, fresh.endpoints_key
    )
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), other_pos, headers=sandbox.headers
    ) as c:
        with pytest.raises(TranzzoAuthError):
            await c.order_status("o-9")


async def test_an_invalid_tenant_header_is_400(sandbox: Sandbox) -> None:
    status, body = await raw(
        sandbox,
        "GET",
        f"/api/v1/pos/{CREDENTIALS.pos_id}/orders/0",
        headers={"X-Sandbox-Tenant": "bad tenant!"},
    )
    assert status == 400
    assert body["args"]["code"] == "P-400"
