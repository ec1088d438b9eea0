"""POST /authToken and the AuthToken every other call carries: a real HS256 JWT, one hour of the
tenant clock, the member's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import jwt
import pytest

from psp_sandbox.client.paymentz import AsyncPaymentzClient, PaymentzCredentials
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.paymentz import auth
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.server import SandboxServer

from .conftest import (
    BASE,
    CREDENTIALS,
    KEY,
    MEMBER,
    VISA,
    Raw,
    payment_fields,
    read,
    refused,
    result_of,
)


def _claims(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


async def test_the_token_answer_is_the_documented_one_with_an_hs256_jwt(
    paymentz: AsyncPaymentzClient,
) -> None:
    answer = await paymentz.auth_token()
    assert set(answer) == {"partnerId", "memberId", "result", "timestamp", "LoginName", "AuthToken"}
    assert (answer["partnerId"], answer["memberId"], answer["LoginName"]) == (
        auth.DEFAULT_PARTNER_ID,
        MEMBER,
        auth.DEFAULT_USERNAME,
    )
    assert answer["result"] == {"code": "200", "description": "Token generated successfully"}
    assert jwt.get_unverified_header(answer["AuthToken"]) == {"alg": "HS256", "typ": "JWT"}
    claims = _claims(answer["AuthToken"])
    assert (claims["sub"], claims["role"], claims["iss"]) == ("testdoc", "merchant", "PZ")
    assert claims["exp"] == claims["iat"] + 3600  # type: ignore[operator]
    issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)  # type: ignore[call-overload]
    assert answer["timestamp"] == issued_at.strftime("%Y-%m-%d %H:%M:%S")


async def test_the_partner_login_variant_names_the_same_member(sandbox: Sandbox) -> None:
    partner = PaymentzCredentials(MEMBER, KEY, partner_id="489", username="testdoc")
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), partner, headers=sandbox.headers
    ) as client:
        answer = await client.auth_token()
    assert (answer["memberId"], answer["LoginName"]) == (MEMBER, "testdoc")


async def test_a_wrong_secure_key_is_refused_with_12004(sandbox: Sandbox) -> None:
    wrong = PaymentzCredentials(MEMBER, "not-the-key")
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), wrong, headers=sandbox.headers
    ) as client:
        error = await refused(client.auth_token(), 401, "12004")
    assert error.description == "Invalid memberId or secure key"


async def test_a_call_without_a_token_is_refused_with_12001(raw: Raw) -> None:
    raw.token = ""
    answer = await raw.post("/payments", payment_fields("o-1"))
    assert result_of(answer) == (401, "12001")
    assert read(answer)["result"]["description"] == "Authentication token missing"


@pytest.mark.parametrize("xml", [False, True], ids=["json", "xml"])
async def test_a_forged_token_is_refused_with_12002(raw: Raw, xml: bool) -> None:
    raw.token = jwt.encode(
        {"sub": "testdoc", "role": "merchant", "iss": "PZ", "iat": 1, "exp": 2**33},
        "somebody-else's-32-byte-long-key!",
        algorithm="HS256",
    )
    answer = await raw.post("/payments", payment_fields("o-1"), xml=xml)
    assert result_of(answer) == (401, "12002")
    assert read(answer)["result"]["description"] == "Authentication token invalid"


async def test_another_members_token_is_refused_with_12002(raw: Raw, sandbox: Sandbox) -> None:
    other = await raw.http.post(
        f"{raw.url}/authToken",
        data={"authentication.memberId": "777", "authentication.sKey": KEY},
        headers=sandbox.headers,
    )
    raw.token = other.json()["AuthToken"]
    answer = await raw.post("/payments", payment_fields("o-1"))
    assert result_of(answer) == (401, "12002")


async def test_a_token_expires_after_one_hour_of_the_tenant_clock(
    raw: Raw, admin: AsyncSandboxAdmin
) -> None:
    # Ten seconds short of the hour: real time passes too (the tenant clock is real time plus
    # its offset), and a loaded machine may take a few seconds between these calls.
    await admin.advance_clock(3590)
    assert (await raw.post("/payments", payment_fields("o-1"))).status_code == 200
    await admin.advance_clock(10)
    answer = await raw.post("/payments", payment_fields("o-2"))
    assert result_of(answer) == (401, "12003")
    assert read(answer)["result"]["description"] == "Authentication token expired"


async def test_the_documented_x_authorization_spelling_is_accepted(raw: Raw) -> None:
    token, raw.token = raw.token, ""
    answer = await raw.post(
        "/payments", payment_fields("o-1"), headers={"X-Authorization": f"AuthToken :{token}"}
    )
    assert answer.status_code == 200
    assert read(answer)["transactionStatus"] == "Y"


async def test_the_client_buys_a_new_token_when_the_gateway_says_it_expired(
    paymentz: AsyncPaymentzClient, admin: AsyncSandboxAdmin
) -> None:
    await paymentz.debit("o-1", "10.00", "EUR", VISA)
    first = paymentz.api.token
    await admin.advance_clock(3600)  # the client's own clock still says the token is good
    answer = await paymentz.debit("o-2", "10.00", "EUR", VISA)
    assert answer["transactionStatus"] == "Y"
    assert paymentz.api.token != first


async def test_a_call_needs_the_member_it_acts_for(raw: Raw) -> None:
    fields = payment_fields("o-1")
    del fields["authentication.memberId"]
    answer = await raw.post("/payments", fields)
    assert result_of(answer) == (400, "11001")
    assert read(answer)["result"]["description"] == "Missing parameter: authentication.memberId"


@pytest.fixture(scope="module")
def strict() -> Iterator[str]:
    with SandboxServer(auth="strict", admin_token="paymentz-tests-admin-token") as server:
        yield server.url


async def test_strict_mode_knows_only_configured_members(strict: str) -> None:
    async with httpx.AsyncClient() as http:
        stranger = await http.post(
            f"{strict}/paymentz{BASE}/authToken",
            data={"authentication.memberId": "424242", "authentication.sKey": "any-key"},
        )
        known = await http.post(
            f"{strict}/paymentz{BASE}/authToken",
            data={"authentication.memberId": MEMBER, "authentication.sKey": KEY},
        )
    assert (stranger.status_code, stranger.json()["result"]["code"]) == (401, "12004")
    assert known.status_code == 200
    assert CREDENTIALS.member_id == known.json()["memberId"]


async def test_open_mode_provisions_a_new_member_in_a_tenant_of_its_own(sandbox: Sandbox) -> None:
    newcomer = PaymentzCredentials("5550001", "newcomer-key")
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), newcomer, headers=sandbox.headers
    ) as client:
        answer = await client.debit("o-1", "5.00", "EUR", VISA)
        again = await client.auth_token()
    assert answer["transactionStatus"] == "Y"
    assert again["LoginName"] == "member5550001"
    ctx = sandbox.server.context
    stored = sandbox.server.run(ctx.credentials.lookup("paymentz", "5550001"))
    assert stored is not None and stored.tenant == "paymentz-5550001"
    impostor = PaymentzCredentials("5550001", "another-key")
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), impostor, headers=sandbox.headers
    ) as client:
        await refused(client.auth_token(), 401, "12004")
