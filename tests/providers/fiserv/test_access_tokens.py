"""Access tokens (POST /authentication/access-tokens) and what they authorise; PATCH
/payment-tokens."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest

from psp_sandbox.client.fiserv import (
    AsyncFiservClient,
    FiservAuthError,
    FiservBadRequest,
    FiservCredentials,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import BASE, CREDENTIALS, TenantClock, card

INVALID = "The token is invalid. It may have expired, or is maybe incorrect"


async def access_token(fiserv: AsyncFiservClient, public_key: bool = False) -> Any:
    body = {"domain": "shop.example", "token": "client-token", "publicKeyRequired": public_key}
    return await fiserv.send("POST", "/authentication/access-tokens", body)


@pytest.fixture
async def web_client(sandbox: Sandbox, clock: TenantClock) -> AsyncIterator[AsyncFiservClient]:
    """The default Api-Key without its secret: no Message-Signature, as a browser sends."""
    unsigned = FiservCredentials(CREDENTIALS.api_key, None)
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE, unsigned, headers=sandbox.headers, clock=clock
    ) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_access_token_answers_as_documented(fiserv: AsyncFiservClient) -> None:
    token = await access_token(fiserv)
    assert (token["status"], token["expiresInSeconds"], token["algorithm"]) == (
        "ACTIVE",
        "899",
        "RSA/NONE/PKCS1PADDING",
    )
    assert token["tokenId"].isalnum() and len(token["tokenId"]) == 28
    assert token["issuedOn"].isdigit() and "publicKeyBase64" not in token
    with_key = await access_token(fiserv, public_key=True)
    pem = base64.b64decode(with_key["publicKeyBase64"]).decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")


async def test_a_token_authorises_payment_token_calls_without_a_signature(
    fiserv: AsyncFiservClient, web_client: AsyncFiservClient
) -> None:
    token = (await access_token(fiserv))["tokenId"]
    body = {
        "requestType": "PaymentCardPaymentTokenizationRequest",
        "paymentCard": card("4111111111111111").as_json(),
        "createToken": {"reusable": True, "declineDuplicates": False},
    }
    answer = await web_client.call("POST", "/payment-tokens", body, headers=bearer(token))
    assert (answer.status, answer.json()["requestStatus"]) == (200, "SUCCESS")
    value = answer.json()["paymentToken"]["value"]
    found = await web_client.call("GET", f"/payment-tokens/{value}", headers=bearer(token))
    assert found.status == 200
    unsigned = await web_client.call("GET", f"/payment-tokens/{value}")
    assert unsigned.status == 401


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic abc", "Bearer"])
async def test_a_bad_token_is_401_invalid_token(
    web_client: AsyncFiservClient, authorization: str
) -> None:
    with pytest.raises(FiservAuthError) as refused:
        await web_client.send(
            "GET", "/payment-tokens/ANY", headers={"Authorization": authorization}
        )
    assert (refused.value.status, refused.value.response_type, refused.value.message) == (
        401,
        "Unauthenticated",
        INVALID,
    )


async def test_a_token_expires_after_899_seconds_of_the_tenant_clock(
    fiserv: AsyncFiservClient,
    web_client: AsyncFiservClient,
    admin: AsyncSandboxAdmin,
    clock: TenantClock,
) -> None:
    token = (await access_token(fiserv))["tokenId"]
    await clock.advance(admin, 898)
    alive = await web_client.call("GET", "/payment-tokens/NONE", headers=bearer(token))
    assert alive.status == 404
    await clock.advance(admin, 2)
    expired = await web_client.call("GET", "/payment-tokens/NONE", headers=bearer(token))
    assert (expired.status, expired.json()["error"]["message"]) == (401, INVALID)


async def test_a_token_authorises_only_the_payment_token_calls(
    fiserv: AsyncFiservClient, web_client: AsyncFiservClient
) -> None:
    token = (await access_token(fiserv))["tokenId"]
    answer = await web_client.call("GET", "/orders/anything", headers=bearer(token))
    assert (answer.status, answer.json()["error"]["message"]) == (
        401,
        "Not authorized to access the resource",
    )


@pytest.mark.parametrize("missing", ["domain", "token", "publicKeyRequired"])
async def test_an_access_token_request_needs_its_three_fields(
    fiserv: AsyncFiservClient, missing: str
) -> None:
    body = {"domain": "shop.example", "token": "t", "publicKeyRequired": False}
    del body[missing]
    with pytest.raises(FiservBadRequest) as bad:
        await fiserv.send("POST", "/authentication/access-tokens", body)
    assert bad.value.body["error"]["details"] == [{"field": missing, "message": "may not be null"}]


# --- PATCH /payment-tokens ------------------------------------------------------------------


def update(value: str, number: str, year: str = "31") -> dict[str, Any]:
    return {
        "value": value,
        "reusable": True,
        "declineDuplicates": False,
        "paymentCard": {"number": number, "expiryDate": {"month": "06", "year": year}},
    }


async def test_patching_tokens_puts_new_cards_behind_them(fiserv: AsyncFiservClient) -> None:
    await fiserv.create_token(card("4111111111111111"), value="TOKEN-A")
    body = {
        "requestType": "PaymentCardPaymentTokenUpdateRequest",
        "paymentTokens": [update("TOKEN-A", "5555555555554444")],
    }
    answer = await fiserv.send("PATCH", "/payment-tokens", body)
    assert (answer["requestStatus"], "errors" in answer) == ("SUCCESS", False)
    found = await fiserv.token("TOKEN-A")
    assert (found["paymentCard"]["last4"], found["paymentCard"]["expiryDate"]) == (
        "4444",
        {"month": "06", "year": "2031"},
    )
    paid = await fiserv.sale("3", "EUR", token="TOKEN-A")
    assert paid["paymentMethodDetails"]["paymentCard"]["brand"] == "MASTERCARD"


async def test_tokens_that_cannot_be_patched_are_listed_without_their_card_numbers(
    fiserv: AsyncFiservClient,
) -> None:
    await fiserv.create_token(card("4111111111111111"), value="TOKEN-B")
    body = {
        "requestType": "PaymentCardPaymentTokenUpdateRequest",
        "paymentTokens": [
            update("TOKEN-B", "4111111111111111"),
            update("NO-SUCH-TOKEN", "4111111111111111"),
            update("TOKEN-B", "4111111111111112"),
        ],
    }
    answer = await fiserv.send("PATCH", "/payment-tokens", body)
    assert answer["requestStatus"] == "PARTIAL_SUCCESS"
    assert [e["message"] for e in answer["errors"]] == [
        "HOSTED_DATA_IDNO-SUCH-TOKEN. Payment token not found",
        "HOSTED_DATA_IDTOKEN-B. Invalid credit card number: 411111...1112",
    ]
    only_bad = {**body, "paymentTokens": body["paymentTokens"][1:2]}
    assert (await fiserv.send("PATCH", "/payment-tokens", only_bad))["requestStatus"] == "FAILED"
