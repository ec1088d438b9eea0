"""Headers, signatures, the timestamp window, request ids, and every error in Fiserv's own
documented envelope — never a 500 or a traceback."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from psp_sandbox.client._transport import Request
from psp_sandbox.client.fiserv import AsyncFiservClient, FiservCredentials, signature
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.fiserv import auth
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.server import SandboxServer

from .conftest import BASE, CREDENTIALS, VISA, TenantClock

SALE = {
    "requestType": "PaymentCardSaleTransaction",
    "transactionAmount": {"total": "12.04", "currency": "EUR"},
    "paymentMethod": {"paymentCard": VISA.as_json()},
}


def test_the_signature_matches_the_documented_test_vector() -> None:
    body = b'{"requestType":"PaymentCardSaleTransaction"}'
    cid, ts = "11111111-2222-3333-4444-555555555555", "1700000000000"
    assert signature("KEY", "SECRET", cid, ts, body, "raw") == (
        "jBOfoWoCRNJa+olRwO/nwWIOA8gE8sKNJTiSMBcemk0="
    )
    assert signature("KEY", "SECRET", cid, ts, body, "hex") == (
        "OGMxMzlmYTE2YTAyNDRkMjVhZmE4OTUxYzBlZmU3YzE2MjBlMDNjODA0ZjJjMjhkMjUzODkyMzAxNzFlOWE0ZA=="
    )
    assert set(auth.signatures("KEY", cid, ts, body, "SECRET")) == {
        signature("KEY", "SECRET", cid, ts, body, "raw"),
        signature("KEY", "SECRET", cid, ts, body, "hex"),
    }


@pytest.mark.parametrize("encoding", ["hex", "raw"])
async def test_both_signature_encodings_are_accepted(
    sandbox: Sandbox, clock: TenantClock, encoding: str
) -> None:
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE,
        CREDENTIALS,
        headers=sandbox.headers,
        clock=clock.signing,
        encoding=encoding,  # type: ignore[arg-type]
    ) as client:
        assert (await client.send("POST", "/payments", SALE))["transactionResult"] == "APPROVED"


async def test_a_wrong_signature_is_403_message_signature_validation_error(
    sandbox: Sandbox, clock: TenantClock
) -> None:
    wrong = FiservCredentials(auth.DEFAULT_API_KEY, "not-the-secret")
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE, wrong, headers=sandbox.headers, clock=clock.signing
    ) as client:
        answer = await client.call("POST", "/payments", SALE, client_request_id="cid-1")
    assert (answer.status, answer.json()) == (
        403,
        {
            "clientRequestId": "cid-1",
            "responseType": "Forbidden",
            "error": {"code": "403", "message": "Message Signature validation error"},
        },
    )


async def test_a_missing_signature_with_a_known_secret_is_401_without_client_request_id(
    sandbox: Sandbox, clock: TenantClock
) -> None:
    unsigned = FiservCredentials(auth.DEFAULT_API_KEY, None)
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE, unsigned, headers=sandbox.headers, clock=clock.signing
    ) as client:
        answer = await client.call("POST", "/payments", SALE)
    assert (answer.status, answer.json()) == (
        401,
        {
            "responseType": "Unauthorized",
            "error": {"code": "401", "message": "Not authorized to access the resource"},
        },
    )


async def test_a_body_changed_after_signing_is_refused(fiserv: AsyncFiservClient) -> None:
    signed_for = json.dumps(SALE).encode()
    changed = signed_for.replace(b"12.04", b"1.04")
    answer = await fiserv.request(
        Request("POST", "/payments", changed, _signed_headers(signed_for))
    )
    assert (answer.status, answer.json()["error"]["code"]) == (403, "403")


async def test_the_timestamp_window_is_five_minutes_around_real_time(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    clock.skew = -301
    stale = await fiserv.call("POST", "/payments", SALE, client_request_id="cid-2")
    assert (stale.status, stale.json()) == (
        403,
        {
            "clientRequestId": "cid-2",
            "responseType": "Forbidden",
            "error": {"code": "403", "message": "Message Signature has expired"},
        },
    )
    clock.skew = -299
    assert (await fiserv.call("POST", "/payments", SALE)).status == 200
    clock.skew = 301
    assert (await fiserv.call("POST", "/payments", SALE)).status == 403


async def test_a_request_signed_with_real_time_passes_after_the_tenant_clock_moved(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    """A merchant cannot know the tenant's virtual time: a Timestamp of real time passes
    however far the clock was moved; one of the tenant's time (what tools that follow the
    sandbox's clock send) passes too; one five minutes off both is expired."""
    await clock.advance(admin, 40_000)
    clock.skew = 0
    assert (await fiserv.call("POST", "/payments", SALE)).status == 200
    clock.skew = clock.offset
    signed_virtually = await fiserv.call("POST", "/payments", SALE, client_request_id="cid-v")
    assert signed_virtually.status == 200
    clock.skew = clock.offset // 2
    expired = await fiserv.call("POST", "/payments", SALE, client_request_id="cid-between")
    assert expired.status == 403
    assert expired.json()["error"]["message"] == "Message Signature has expired"


async def test_missing_api_key_client_request_id_or_timestamp_is_400(sandbox: Sandbox) -> None:
    base = sandbox.base_url("fiserv") + BASE
    full = {
        "Content-Type": "application/json",
        "Api-Key": "some-key",
        "Client-Request-Id": "cid-3",
        "Timestamp": str(int(time.time() * 1000)),
        **sandbox.headers,
    }
    async with aiohttp.ClientSession() as http:
        for missing in ("Api-Key", "Client-Request-Id", "Timestamp"):
            headers = {k: v for k, v in full.items() if k != missing}
            async with http.post(f"{base}/payments", json=SALE, headers=headers) as answer:
                body = await answer.json()
            assert answer.status == 400
            assert body == {
                **({"clientRequestId": "cid-3"} if missing != "Client-Request-Id" else {}),
                "responseType": "BadRequest",
                "error": {
                    "code": "400",
                    "message": "The request is invalid or not properly formed",
                },
            }
        async with http.post(
            f"{base}/payments", json=SALE, headers={**full, "Timestamp": "yesterday"}
        ) as answer:
            assert answer.status == 400


@pytest.fixture
async def strict_url() -> AsyncIterator[str]:
    with SandboxServer(auth="strict", admin_token="fiserv-tests-admin-token") as server:
        yield server.url


async def test_strict_mode_refuses_unknown_api_keys_with_401(strict_url: str) -> None:
    stranger = FiservCredentials("unknown-key", "whatever")
    async with AsyncFiservClient(strict_url + "/fiserv" + BASE, stranger) as client:
        answer = await client.call("POST", "/payments", SALE, client_request_id="cid-4")
    assert answer.status == 401
    assert answer.json() == {
        "clientRequestId": "cid-4",
        "responseType": "Unauthenticated",
        "error": {"code": "401", "message": "Invalid API key"},
    }
    async with AsyncFiservClient(strict_url + "/fiserv" + BASE, CREDENTIALS) as client:
        assert (await client.call("POST", "/payments", SALE)).status == 200


async def test_open_mode_accepts_an_unknown_api_key_without_checking_its_signature(
    sandbox: Sandbox, clock: TenantClock
) -> None:
    stranger = FiservCredentials(f"key-{uuid.uuid4()}", "a-secret-the-sandbox-never-saw")
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE, stranger, headers=sandbox.headers, clock=clock.signing
    ) as client:
        assert (await client.send("POST", "/payments", SALE))["transactionResult"] == "APPROVED"


async def test_a_retried_request_gets_its_first_answer_and_pays_once(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    first = await fiserv.call("POST", "/payments", SALE, client_request_id="retry-1")
    again = await fiserv.call("POST", "/payments", SALE, client_request_id="retry-1")
    assert (again.status, again.json()) == (first.status, first.json())
    assert len(await admin.payments(provider="fiserv")) == 1


async def test_a_client_request_id_reused_for_another_request_is_403(
    fiserv: AsyncFiservClient,
) -> None:
    await fiserv.call("POST", "/payments", SALE, client_request_id="reused-1")
    other = {**SALE, "transactionAmount": {"total": "1.00", "currency": "EUR"}}
    answer = await fiserv.call("POST", "/payments", other, client_request_id="reused-1")
    assert answer.status == 403
    assert answer.json()["error"] == {
        "code": "403",
        "message": "Client-Request-Id has already been used",
    }


async def test_a_client_request_id_is_forgotten_after_five_minutes(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.call("POST", "/payments", SALE, client_request_id="late-1")
    await clock.advance(admin, 301)
    other = {**SALE, "transactionAmount": {"total": "1.00", "currency": "EUR"}}
    answer = await fiserv.call("POST", "/payments", other, client_request_id="late-1")
    assert answer.status == 200


async def test_a_body_that_is_not_json_is_415_or_400(fiserv: AsyncFiservClient) -> None:
    text = await fiserv.call(
        "POST", "/payments", SALE, headers={"Content-Type": "text/plain"}, client_request_id="c"
    )
    assert text.status == 415
    body = text.json()
    assert set(body) == {"clientRequestId", "apiTraceId", "error"}
    assert body["error"] == {"code": "415", "message": "Unsupported Media Type"}
    broken = await fiserv.request(
        Request("POST", "/payments", b'{"requestType": ', _signed_headers(b'{"requestType": '))
    )
    assert broken.status == 400
    assert broken.json()["responseType"] == "BadRequest"


def _signed_headers(body: bytes) -> dict[str, str]:
    cid, ts = str(uuid.uuid4()), str(int(time.time() * 1000))
    return {
        "Content-Type": "application/json",
        "Client-Request-Id": cid,
        "Api-Key": CREDENTIALS.api_key,
        "Timestamp": ts,
        "Message-Signature": signature(
            CREDENTIALS.api_key, str(CREDENTIALS.api_secret), cid, ts, body
        ),
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"paymentMethod": {"paymentCard": {"expiryDate": {"month": "12", "year": "30"}}}},
            "PaymentCardSaleTransaction.paymentMethod.paymentCard.number",
            "may not be null",
        ),
        (
            {"transactionAmount": {"total": "-1", "currency": "EUR"}},
            "PaymentCardSaleTransaction.transactionAmount.total",
            "Input should be greater than or equal to 0",
        ),
        ({"requestType": None}, "requestType", "may not be null"),
        (
            {
                "transactionAmount": {
                    "total": "10.00",
                    "currency": "EUR",
                    "components": {"subtotal": 8, "shipping": 1},
                }
            },
            "PaymentCardSaleTransaction.transactionAmount",
            "Value error, sub component values must add up to total amount",
        ),
        (
            {"paymentMethod": {"paymentCard": {**VISA.as_json(), "number": "4111-1111"}}},
            "PaymentCardSaleTransaction.paymentMethod.paymentCard.number",
            "String should match pattern '^[0-9]{13,19}$'",
        ),
    ],
)
async def test_schema_errors_are_400_with_the_failing_field(
    fiserv: AsyncFiservClient, change: dict[str, object], field: str, message: str
) -> None:
    body = {k: v for k, v in {**SALE, **change}.items() if v is not None}
    answer = await fiserv.call("POST", "/payments", body)
    assert answer.status == 400
    error = answer.json()["error"]
    assert (error["code"], error["message"]) == (
        "400",
        "The request is invalid or not properly formed",
    )
    assert {"field": field, "message": message} in error["details"]


async def test_an_unsupported_request_type_is_400_naming_request_type(
    fiserv: AsyncFiservClient,
) -> None:
    answer = await fiserv.call(
        "POST", "/payments", {**SALE, "requestType": "WalletSaleTransaction"}
    )
    assert answer.status == 400
    assert answer.json()["error"]["details"][0]["field"] == "requestType"


@pytest.mark.parametrize(
    ("amount", "code", "message"),
    [
        (
            {"total": "1.00", "currency": "ABC"},
            "50653",
            "Sent invalid currency or no currencies were setup for this store",
        ),
        ({"total": "1.001", "currency": "EUR"}, "10503", "Invalid amount or currency"),
        ({"total": "1.5", "currency": "JPY"}, "10503", "Invalid amount or currency"),
    ],
)
async def test_unknown_currencies_and_too_fine_amounts_are_gateway_declines(
    fiserv: AsyncFiservClient, amount: dict[str, str], code: str, message: str
) -> None:
    answer = await fiserv.call("POST", "/payments", {**SALE, "transactionAmount": amount})
    assert answer.status == 409
    body = answer.json()
    assert (body["responseType"], body["error"]) == (
        "GatewayDeclined",
        {"code": code, "message": message},
    )


async def test_authentication_request_and_result_together_are_400(
    fiserv: AsyncFiservClient,
) -> None:
    body = {
        **SALE,
        "authenticationRequest": {
            "authenticationType": "Secure3DAuthenticationRequest",
            "termURL": "https://shop.example/3ds",
        },
        "authenticationResult": {
            "authenticationType": "Secure3DAuthenticationResult",
            "authenticationResponse": "Y",
        },
    }
    assert (await fiserv.call("POST", "/payments", body)).status == 400


async def test_unknown_paths_are_404_and_wrong_methods_405_in_fiserv_s_envelope(
    sandbox: Sandbox,
) -> None:
    base = sandbox.base_url("fiserv")
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{base}/gateway/v2/nothing-here", headers={"Client-Request-Id": "cid-6"}
        ) as answer:
            body = await answer.json()
        assert answer.status == 404
        assert body == {
            "clientRequestId": "cid-6",
            "responseType": "NotFound",
            "error": {
                "code": "404",
                "message": "The requested operation failed because a resource associated "
                "with the request could not be found",
            },
        }
        async with http.put(f"{base}/gateway/v2/payments") as answer:
            body = await answer.json()
        assert answer.status == 405
        assert body["error"]["code"] == "405"


async def test_an_injected_fault_is_answered_in_fiserv_s_envelope(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.inject_fault(
        "error", provider="fiserv", operation="submitPrimaryTransaction", status=500
    )
    answer = await fiserv.call("POST", "/payments", SALE, client_request_id="cid-5")
    assert answer.status == 500
    assert answer.json() == {
        "clientRequestId": "cid-5",
        "responseType": "ServerError",
        "error": {"code": "500", "message": "The request failed due to an internal error"},
    }


async def test_random_junk_never_causes_a_server_error(fiserv: AsyncFiservClient) -> None:
    junk: list[object] = [
        [],
        "text",
        {"requestType": "PaymentCardSaleTransaction"},
        {**SALE, "transactionAmount": {"total": "NaN", "currency": "EUR"}},
        {**SALE, "transactionAmount": {"total": "1e400", "currency": "EUR"}},
        {**SALE, "order": {"orderId": ""}},
        {**SALE, "paymentMethod": {"paymentToken": {"value": "t"}}},
        {**SALE, "requestType": "PaymentTokenSaleTransaction"},
    ]
    for body in junk:
        answer = await fiserv.call("POST", "/payments", body)  # type: ignore[arg-type]
        assert 400 <= answer.status < 500, (body, answer.status, answer.text)
        assert "error" in json.loads(answer.text)
    for path in ("/payments/x", "/orders/x", "/payment-tokens/x"):
        answer = await fiserv.call("GET", path)
        assert answer.status == 404
