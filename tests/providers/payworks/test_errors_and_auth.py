"""Every refusal, in the sandbox's payworks envelope with its HTTP status — never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from psp_sandbox.client.payworks import AsyncPayworksClient, PayworksCredentials
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import CREDENTIALS, MERCHANT, envelope, refused

SESSIONS = f"/v2/merchants/{MERCHANT}/transactionSessions"
CHARGE = {"amount": 10.0, "currency": "EUR", "type": "CHARGE"}


async def post(payworks: AsyncPayworksClient, body: bytes | str, **headers: str) -> Any:
    raw = body.encode() if isinstance(body, str) else body
    return await refused(payworks.send("POST", SESSIONS, raw, headers))


def transaction(**fields: Any) -> str:
    return json.dumps({"transaction": {**CHARGE, **fields}})


# --- authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "The Authorization header is missing"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("payworks-apiIdentifier apiIdentifier=abc", "malformed"),
        ("payworks-apiIdentifier apiSecretKey=x,apiIdentifier=abc", "malformed"),
        ("Bearer x", "malformed"),
    ],
)
async def test_a_missing_or_malformed_authorization_is_401(
    sandbox: Sandbox, authorization: str | None, message: str
) -> None:
    headers = {"X-Sandbox-Tenant": sandbox.tenant}
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{sandbox.base_url('payworks')}/v2/transactions/x", headers=headers
        )
    assert answer.status_code == 401
    if message == "malformed":
        message = (
            "Authorization must read 'payworks-apiIdentifier "
            "apiIdentifier=<API_IDENTIFIER>,apiSecretKey=<API_SECRET_KEY>'"
        )
    assert answer.json() == envelope("ServerAuthenticationFailed", message)


async def test_a_wrong_secret_for_a_known_identifier_is_401(sandbox: Sandbox) -> None:
    wrong = PayworksCredentials(CREDENTIALS.api_identifier, "not-the-secret")
    async with AsyncPayworksClient(sandbox.base_url("payworks"), wrong) as client:
        error = await refused(client.register_charge(MERCHANT, 1, "EUR"))
    assert (error.status, error.body) == (
        401,
        envelope("ServerAuthenticationFailed", "The apiSecretKey does not match the apiIdentifier"),
    )


async def test_an_unknown_identifier_is_provisioned_with_its_secret_in_open_mode(
    sandbox: Sandbox,
) -> None:
    fresh = PayworksCredentials(f"{sandbox.tenant}-api", "S3cretKeyOfThisNewApiIdentifier1")
    async with AsyncPayworksClient(sandbox.base_url("payworks"), fresh) as client:
        session = await client.register_charge("0f487dc3-35cd-4125-8b82-631c7d5b328c", 1, "EUR")
        found = await client.transaction(session["transaction"]["identifier"])
        assert found["status"] == "INITIALIZED"
    again = PayworksCredentials(fresh.api_identifier, "AnotherSecretForTheSameIdentifier")
    async with AsyncPayworksClient(sandbox.base_url("payworks"), again) as client:
        error = await refused(client.transaction(session["transaction"]["identifier"]))
    assert error.status == 401


async def test_the_identifier_is_the_tenant(sandbox: Sandbox) -> None:
    fresh = PayworksCredentials(f"{sandbox.tenant}-own", "S3cretKeyOfThisNewApiIdentifier1")
    async with AsyncPayworksClient(sandbox.base_url("payworks"), fresh) as client:
        session = await client.register_charge(MERCHANT, 1, "EUR")
    async with AsyncSandboxAdmin(sandbox.url, fresh.api_identifier) as own:
        [payment] = await own.payments(provider="payworks")
    assert payment["reference"] == session["transaction"]["identifier"]
    assert payment["tenant"] == fresh.api_identifier


async def test_a_merchant_identifier_that_is_not_a_uuid_is_not_found(
    payworks: AsyncPayworksClient,
) -> None:
    error = await refused(payworks.register_charge("shop-1", 1, "EUR"))
    assert (error.status, error.body) == (404, envelope("MerchantNotFound", "No merchant shop-1"))


async def test_the_default_credentials_act_for_any_merchant_in_open_mode(
    payworks: AsyncPayworksClient,
) -> None:
    other = "59b57c79-7a04-4e68-9bc1-78dbf71adf32"
    session = await payworks.register_charge(other, 1, "EUR")
    assert session["transaction"]["status"] == "INITIALIZED"


# --- bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "message"),
    [
        ("{", "ParameterInvalid", "The body is not valid JSON"),
        # NaN and Infinity are not JSON (RFC 8259): malformed, as on every provider.
        ('{"transaction": {"amount": NaN, "currency": "EUR", "type": "CHARGE"}}',
         "ParameterInvalid", "The body is not valid JSON"),
        ('{"transaction": {"amount": -Infinity, "currency": "EUR", "type": "CHARGE"}}',
         "ParameterInvalid", "The body is not valid JSON"),
        # Read exactly: a float parser would charge 1.00.
        ('{"transaction": {"amount": 1.0000000000000001, "currency": "EUR", "type": "CHARGE"}}',
         "ParameterInvalid",
         "transaction.amount: Decimal input should have no more than 4 decimal places"),
        ('{"transaction": {"amount": 1e-999999999, "currency": "EUR", "type": "CHARGE"}}',
         "ParameterInvalid", "The body is not valid JSON"),
        ("[]", "ParameterInvalid", "body: Input should be an object"),
        ("{}", "ParameterMissing", "transaction: Field required"),
        ('{"transaction": {"amount": 1, "currency": "EUR"}}',
         "ParameterMissing", "transaction.type: Field required (CHARGE or REFUND)"),
        (transaction(type="PREAUTHORIZE"), "ParameterInvalid",
         "transaction: Input tag 'PREAUTHORIZE' found using 'type' does not match any of the "
         "expected tags: 'CHARGE', 'REFUND'"),
        (json.dumps({"transaction": {"currency": "EUR", "type": "CHARGE"}}),
         "ParameterMissing", "transaction.amount: Field required"),
        (json.dumps({"transaction": {"amount": 1, "type": "CHARGE"}}),
         "ParameterMissing", "transaction.currency: Field required"),
        (transaction(amount="10.00"), "ParameterInvalid",
         "transaction.amount: must be a JSON number in major units, such as 123.34"),
        (transaction(amount=True), "ParameterInvalid",
         "transaction.amount: must be a JSON number in major units, such as 123.34"),
        (transaction(amount=None), "ParameterInvalid",
         "transaction.amount: must be a JSON number in major units, such as 123.34"),
        (transaction(amount=0), "ParameterInvalid",
         "transaction.amount: must be greater than 0 and at most 999999999.99"),
        (transaction(amount=-5.5), "ParameterInvalid",
         "transaction.amount: must be greater than 0 and at most 999999999.99"),
        (transaction(amount=1e300), "ParameterInvalid",
         "transaction.amount: must be greater than 0 and at most 999999999.99"),
        (transaction(amount=10.001), "ParameterInvalid",
         "transaction: amount has more decimals than EUR allows"),
        (transaction(amount=10.5, currency="JPY"), "ParameterInvalid",
         "transaction: amount has more decimals than JPY allows"),
        (transaction(currency="eur"), "ParameterInvalid",
         "transaction.currency: must be an ISO 4217 currency code such as EUR"),
        (transaction(currency="EURO"), "ParameterInvalid",
         "transaction.currency: must be an ISO 4217 currency code such as EUR"),
        (transaction(currency=978), "ParameterInvalid",
         "transaction.currency: Input should be a valid string"),
        (transaction(subject=7), "ParameterInvalid",
         "transaction.subject: Input should be a valid string"),
        (transaction(subject="x" * 257), "ParameterInvalid",
         "transaction.subject: String should have at most 256 characters"),
        (transaction(tip=1), "ParameterInvalid",
         "transaction.tip: Extra inputs are not permitted"),
        (json.dumps({"transaction": CHARGE, "extra": 1}), "ParameterInvalid",
         "extra: Extra inputs are not permitted"),
        (transaction(mode="SANDBOX"), "ParameterInvalid",
         "transaction.mode: Input should be 'TEST' or 'LIVE'"),
        (transaction(mode="LIVE"), "ParameterInvalid",
         "transaction.mode: the test platform takes mode TEST"),
        (transaction(referencedTransactionIdentifier="3fe8fe7c-b620-4b45-b128-545b8c16f236"),
         "ParameterInvalid",
         "transaction.referencedTransactionIdentifier: Extra inputs are not permitted"),
        (transaction(type="REFUND", mode="TEST"), "ParameterMissing",
         "transaction.referencedTransactionIdentifier: Field required"),
        (transaction(type="REFUND", referencedTransactionIdentifier="3fe8fe7c-b620-4b45-b128-"
                     "545b8c16f236"), "ParameterMissing", "transaction.mode: Field required"),
        (transaction(type="REFUND", mode="TEST", referencedTransactionIdentifier="42"),
         "ParameterInvalid",
         "transaction.referencedTransactionIdentifier: String should match pattern "
         "'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'"),
    ],
)  # fmt: skip
async def test_a_body_that_does_not_fit_is_refused_with_the_field_and_why(
    payworks: AsyncPayworksClient, body: str, kind: str, message: str
) -> None:
    error = await post(payworks, body)
    assert (error.status, error.body) == (400, envelope(kind, message))


async def test_a_body_not_sent_as_json_is_415(payworks: AsyncPayworksClient) -> None:
    error = await post(payworks, transaction(), **{"Content-Type": "text/plain"})
    assert (error.status, error.body) == (
        415,
        envelope("ParameterInvalid", "Send the body as JSON"),
    )


async def test_nothing_is_registered_by_a_refused_request(
    payworks: AsyncPayworksClient, admin: AsyncSandboxAdmin
) -> None:
    await post(payworks, transaction(amount=0))
    assert await admin.payments(provider="payworks") == []


# --- paths, methods, faults -------------------------------------------------------------------


async def test_an_unknown_path_is_404_and_a_wrong_method_405(payworks: AsyncPayworksClient) -> None:
    error = await refused(payworks.send("GET", "/v2/nothing", None))
    assert (error.status, error.body) == (404, envelope("NotFound", "No such resource"))
    error = await refused(payworks.send("DELETE", SESSIONS, None))
    assert (error.status, error.body) == (405, envelope("MethodNotAllowed", "Method not allowed"))


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (503, "ServerUnavailable"),
        (504, "ServerTimeout"),
        (500, "ServerError"),
        (409, "TransactionBusy"),
    ],
)
async def test_an_injected_fault_answers_in_the_payworks_envelope(
    payworks: AsyncPayworksClient, admin: AsyncSandboxAdmin, status: int, kind: str
) -> None:
    await admin.inject_fault(
        "error", provider="payworks", operation="register_transaction", status=status
    )
    error = await refused(payworks.register_charge(MERCHANT, 1, "EUR"))
    assert (error.status, error.body) == (status, envelope(kind, "Injected fault"))
    assert await admin.payments(provider="payworks") == []
