"""Schemathesis over the Paymentz OpenAPI document the target serves, with form and JSON bodies:
no server error, every answer one the document declares, and requests built to break the schema
refused. Positive cases are signed (the member and its checksum) so they reach the rules
behind the checksum instead of stopping at it."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode

from psp_sandbox.client.paymentz import PaymentzClient, PaymentzCredentials, checksum
from psp_sandbox.contracts.schema import CHECKS, headers_for
from psp_sandbox.contracts.target import Target

from .conftest import base_url

BASE = "/transactionServices/REST/v1"
OPERATIONS = [
    ("POST", f"{BASE}/authToken"),
    ("POST", f"{BASE}/payments"),
    ("POST", f"{BASE}/payments/{{paymentId}}"),
    ("GET", f"{BASE}/payments/{{paymentId}}"),
    ("POST", f"{BASE}/registrations/{{registrationId}}/payments"),
    ("POST", f"{BASE}/inquiry"),
    ("POST", f"{BASE}/getTransactionList"),
    ("POST", f"{BASE}/payout"),
    ("POST", "/transaction/Checkout"),
    ("POST", "/transaction/ThreeDSecureReturn"),
]

Fields = MutableMapping[str, Any]
#: One of Paymentz's documented test cards.
TEST_CARD = "4111110000000021"


def test_the_document_lists_every_paymentz_operation(paymentz_schema: Any) -> None:
    served = {(o.ok().method.upper(), o.ok().path) for o in paymentz_schema.get_all_operations()}
    assert set(OPERATIONS) <= served


@pytest.fixture(scope="module")
def token(target: Target, credentials: PaymentzCredentials) -> dict[str, str]:
    tenant = target.headers(target.fresh_tenant("paymentz-openapi"))
    with PaymentzClient(base_url(target), credentials, headers=tenant) as client:
        client.auth_token()
        assert client.api.token is not None
        return {"AuthToken": client.api.token, **tenant}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_is_documented_and_none_is_a_server_error(
    paymentz_schema: Any,
    target: Target,
    credentials: PaymentzCredentials,
    token: dict[str, str],
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = paymentz_schema[path][method]
    auth = {"AuthToken": token["AuthToken"]}
    tenant = {k: v for k, v in token.items() if k != "AuthToken"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case) -> None:
        if mode is GenerationMode.POSITIVE:
            sign(case, credentials)
        headers = headers_for(case, auth, tenant)
        response = case.call(base_url=base_url(target), headers=headers)
        assert response.status_code < 500, response.text
        case.validate_response(response, checks=CHECKS)

    call()


def sign(case: Case, credentials: PaymentzCredentials) -> None:
    """Name the target's member and give the request its valid checksum (forms carry dotted
    names, JSON may nest them)."""
    fields: Fields | None = case.query if case.method == "GET" else case.body
    if not isinstance(fields, MutableMapping):
        return
    get, put = _accessors(fields)
    member, key = credentials.member_id, credentials.secure_key
    if case.path.endswith("/transaction/Checkout"):
        put("memberId", member)
        recipe = [member, get("totype"), get("amount"), get("merchantTransactionId")]
        put("checksum", checksum(*recipe, get("merchantRedirectUrl"), key))
        return
    if case.path.endswith(("/payments", "/payout")):
        _with_test_card(fields, put)
    if case.path.endswith("/authToken"):
        put("authentication.memberId", member)
        put("authentication.sKey", key)
        return
    if "authentication.memberId" not in fields and "authentication" not in fields:
        return
    put("authentication.memberId", member)
    put("authentication.checksum", _checksum(case, get, member, key))


def _with_test_card(fields: Fields, put: Callable[[str, str], None]) -> None:
    """A documented test card in place of generated digits (which fail Luhn): the card passes
    and the rules behind it run."""
    if not isinstance(fields.get("card"), dict):
        fields.pop("card", None)
    has_card = "card.number" in fields or "card" in fields
    if not has_card and fields.get("paymentId") is None:
        put("card.expiryMonth", "12")
        put("card.expiryYear", "2030")
        put("card.cvv", "123")
    put("card.number", TEST_CARD)
    fields.pop("paymentBrand", None)
    fields.pop("paymentMode", None)


def _checksum(case: Case, get: Callable[[str], str], member: str, key: str) -> str:
    path = case.path
    payment_id = str((case.path_parameters or {}).get("paymentId", ""))
    if path.endswith("/payout"):
        return checksum(member, get("merchantTransactionId"), get("amount"), key)
    if path.endswith("/getTransactionList"):
        return checksum(member, key)
    if path.endswith("/inquiry"):
        if get("idType") == "PID":
            return checksum(member, key, get("paymentId"))
        return checksum(member, key, get("merchantTransactionId"))
    if "{paymentId}" in path:
        if get("paymentType") in ("CP", "RF"):
            return checksum(member, key, payment_id, get("amount"))
        return checksum(member, key, payment_id)
    return checksum(member, key, get("merchantTransactionId"), get("amount"))


def _accessors(
    fields: Fields,
) -> tuple[Callable[[str], str], Callable[[str, str], None]]:
    """Read and write a field by its dotted name, whether the body is flat or nested."""

    def get(name: str) -> str:
        if name in fields:
            return _text(fields[name])
        group, _, leaf = name.partition(".")
        inner = fields.get(group)
        return _text(inner.get(leaf)) if leaf and isinstance(inner, dict) else ""

    def put(name: str, value: str) -> None:
        group, _, leaf = name.partition(".")
        if leaf and isinstance(fields.get(group), dict):
            fields[group][leaf] = value
        else:
            fields[name] = value

    return get, put


def _text(value: Any) -> str:
    """A value as the checksum reads it (strings as they are, nothing as empty)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)
