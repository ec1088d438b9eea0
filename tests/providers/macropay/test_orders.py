"""Macropay orders: creation, validation, one-hour lifetime; credentials; unknown paths."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient, MacropayAuthError, RedirectUrls
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.settings import CredentialConfig
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.server import SandboxServer

from .conftest import API_KEY, VISA, CreateOrder, envelope, refused

INVALID_REQUEST = envelope("0300", "Invalid Request")
DENY = {"message": "User is not authorized to access this resource with an explicit deny"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def test_an_order_answers_its_id_with_its_fields_and_lives_one_hour(
    macropay: AsyncMacropayClient,
) -> None:
    order = await macropay.create_order(
        "0.95",
        "USD",
        description="entertainment subscription",
        concept="test",
        notification_url="https://shop.example/notify",
        redirect_url=RedirectUrls("https://shop.example/ok", "https://shop.example/ko"),
        user_information={"ip": "251.251.213.216", "country": "ES", "language": "ES"},
        billing_address={"country": "ES", "city": "Bilbao"},
    )
    assert UUID.match(order["orderId"])
    assert order["money"] == {"amount": 0.95, "currency": "USD"}
    assert order["redirectUrl"] == {
        "success": "https://shop.example/ok",
        "fail": "https://shop.example/ko",
    }
    assert order["billingAddress"] == {"country": "ES", "city": "Bilbao"}
    assert (order["description"], order["concept"]) == ("entertainment subscription", "test")
    created = order["createdAt"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", created)
    assert order["expiresAt"] > created
    second = await macropay.create_order("0.95", "USD")
    assert second["orderId"] != order["orderId"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"money": {"amount": "0.95", "currency": "EUR"}},
        {"money": {"amount": 0, "currency": "EUR"}},
        {"money": {"amount": -1, "currency": "EUR"}},
        {"money": {"amount": 0.955, "currency": "EUR"}},
        {"money": {"amount": 1.5, "currency": "JPY"}},
        {"money": {"amount": 1, "currency": "EURO"}},
        {"money": {"amount": 1, "currency": "ABC"}},
        {"money": {"amount": 1}},
        {"money": {"amount": 1, "currency": "EUR", "extra": 1}},
        {"money": {"amount": 1, "currency": "EUR"}, "generateToken": "true"},
        {"money": {"amount": 1, "currency": "EUR"}, "sequence": "monthly"},
        {"money": {"amount": 1, "currency": "EUR"}, "sequence": "recurring"},
        {
            "money": {"amount": 1, "currency": "EUR"},
            "sequence": "initial",
            "parentTransactionId": "0b6e1f5e-7a8a-4c43-9d4e-0d3f0d1f2a3b",
        },
        {
            "money": {"amount": 1, "currency": "EUR"},
            "sequence": "final",
            "parentTransactionId": "not-a-uuid",
        },
        {"money": {"amount": 1, "currency": "EUR"}, "sequence": "initial", "minPeriod": 0},
        {"money": {"amount": 1, "currency": "EUR"}, "minPeriod": 1.5},
        {"money": {"amount": 1, "currency": "EUR"}, "notificationUrl": "ftp://x"},
        {"money": {"amount": 1, "currency": "EUR"}, "redirectUrl": {"success": "nowhere"}},
        {"money": {"amount": 1, "currency": "EUR"}, "userInformation": {"country": "ESP"}},
        [],
    ],
)
async def test_an_order_that_does_not_match_the_schema_is_an_invalid_request(
    macropay: AsyncMacropayClient, body: Any
) -> None:
    error = await refused(macropay.send("POST", "/orders", json.dumps(body).encode()))
    assert (error.status, error.body) == (400, INVALID_REQUEST)


async def test_unknown_order_fields_are_ignored(macropay: AsyncMacropayClient) -> None:
    body = {"money": {"amount": 1, "currency": "EUR"}, "customerId": "c-1"}
    order = await macropay.send("POST", "/orders", json.dumps(body).encode())
    assert "customerId" not in order


@pytest.mark.parametrize("body", [b"", b"{", b'{"money": }', b"\xff\xfe"])
async def test_a_body_that_is_not_json_is_a_parsing_problem(
    macropay: AsyncMacropayClient, body: bytes
) -> None:
    error = await refused(macropay.send("POST", "/orders", body))
    assert (error.status, error.body) == (400, envelope("0905", "Problem Parsing Request"))


async def test_a_form_encoded_body_is_a_parsing_problem(macropay: AsyncMacropayClient) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    error = await refused(macropay.send("POST", "/orders", b"money=1", headers))
    assert error.body == envelope("0905", "Problem Parsing Request")


async def test_an_order_pays_within_its_hour_and_is_not_found_after_it(
    macropay: AsyncMacropayClient, new_order: CreateOrder, admin: AsyncSandboxAdmin
) -> None:
    early, late = await new_order(), await new_order()
    await admin.advance_clock(3599)
    assert (await macropay.pay_with_card(early, VISA))["transactionStatus"] == "success"
    await admin.advance_clock(1)
    error = await refused(macropay.pay_with_card(late, VISA))
    assert (error.status, error.body) == (400, envelope("0108", "Transaction Not Found"))
    [expired] = [p for p in await admin.payments(provider="macropay") if p["reference"] == late]
    assert expired["status"] == "expired"


@pytest.mark.parametrize("key", [None, "", "short-key", "a key with spaces in it ok"])
async def test_a_missing_or_malformed_api_key_is_an_explicit_deny(
    sandbox: Sandbox, key: str | None
) -> None:
    headers = {**sandbox.headers, "Content-Type": "application/json"}
    if key is not None:
        headers["x-api-key"] = key
    body = {"money": {"amount": 1, "currency": "EUR"}}
    async with aiohttp.ClientSession() as http:
        url = sandbox.base_url("macropay") + "/v2/orders"
        async with http.post(url, json=body, headers=headers) as answer:
            assert (answer.status, await answer.json()) == (403, DENY)


async def test_strict_mode_denies_keys_it_was_not_given() -> None:
    configured = {"macropay": [CredentialConfig(key="team-a", tenant="team-a")]}
    with SandboxServer(
        auth="strict", credentials=configured, admin_token="macropay-tests-admin-token"
    ) as server:
        url = f"{server.url}/macropay/v2"
        async with AsyncMacropayClient(url, "an-unknown-key-of-enough-length") as stranger:
            error = await refused(stranger.create_order(1, "EUR"))
        assert isinstance(error, MacropayAuthError)
        assert (error.status, error.body) == (403, DENY)
        for key in (API_KEY, "team-a"):  # configured keys need no particular form
            async with AsyncMacropayClient(url, key) as known:
                assert "orderId" in await known.create_order(1, "EUR")


async def test_each_new_key_gets_a_tenant_of_its_own(sandbox: Sandbox) -> None:
    url = sandbox.base_url("macropay") + "/v2"
    async with (
        AsyncMacropayClient(url, "merchant-one-key-0000000001") as one,
        AsyncMacropayClient(url, "merchant-two-key-0000000002") as two,
    ):
        order = (await one.create_order(1, "EUR"))["orderId"]
        error = await refused(two.pay_with_card(order, VISA))
        assert error.body == envelope("0108", "Transaction Not Found")
        assert (await one.pay_with_card(order, VISA))["transactionStatus"] == "success"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/orders"), ("DELETE", "/orders"), ("POST", "/payments"), ("GET", "/")],
)
async def test_unknown_paths_and_methods_answer_as_the_api_gateway_does(
    macropay: AsyncMacropayClient, method: str, path: str
) -> None:
    error = await refused(macropay.send(method, path, None))
    assert (error.status, error.body) == (403, {"message": "Missing Authentication Token"})


async def test_an_injected_server_fault_answers_0900(
    macropay: AsyncMacropayClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.inject_fault("error", provider="macropay", operation="create_order", status=500)
    error = await refused(macropay.create_order(1, "EUR"))
    assert (error.status, error.body) == (500, envelope("0900", "Internal Server Error"))
    assert "orderId" in await macropay.create_order(1, "EUR")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, envelope("0300", "Invalid Request")),
        (403, DENY),
        (429, {"message": "Too Many Requests"}),
        (503, {"message": "Service Unavailable"}),
        (504, {"message": "Endpoint request timed out"}),
    ],
)
async def test_other_injected_errors_answer_as_revup_or_its_gateway_would(
    macropay: AsyncMacropayClient, admin: AsyncSandboxAdmin, status: int, body: dict[str, Any]
) -> None:
    await admin.inject_fault("error", provider="macropay", operation="create_order", status=status)
    error = await refused(macropay.create_order(1, "EUR"))
    assert (error.status, error.body) == (status, body)
