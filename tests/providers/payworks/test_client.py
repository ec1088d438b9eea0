"""The payworks client on its own: the blocking flavour, its exception tree, the event reader."""

from __future__ import annotations

import json
from typing import Any

import pytest

from psp_sandbox.client.payworks import (
    InvalidEvent,
    PayworksAuthError,
    PayworksClient,
    PayworksConflict,
    PayworksCredentials,
    PayworksNotFound,
    PayworksTransportError,
    parse_event,
)
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import CREDENTIALS, MERCHANT

EVENT: dict[str, Any] = {
    "identifier": "6c6f8b0e-4a43-4f7e-9a1c-0d1e2f3a4b5c",
    "created": "2013-07-09 12:12:01",
    "type": "transaction.succeeded",
    "transaction": {
        "identifier": "3fe8fe7c-b620-4b45-b128-545b8c16f236",
        "groupIdentifier": "59b57c79-7a04-4e68-9bc1-78dbf71adf32",
        "amount": 3.14,
        "currency": "EUR",
        "created": "2013-09-03 12:38:36",
        "status": "APPROVED",
        "type": "CHARGE",
    },
}


def test_the_blocking_client_registers_queries_and_aborts(sandbox: Sandbox) -> None:
    with PayworksClient(sandbox.base_url("payworks"), CREDENTIALS, headers=sandbox.headers) as pw:
        session = pw.register_charge(MERCHANT, "3.14", "EUR", subject="Tea")
        identifier = session["transaction"]["identifier"]
        assert pw.transaction(identifier)["amount"] == 3.14
        assert pw.abort(identifier)["status"] == "ABORTED"
        with pytest.raises(PayworksConflict) as conflict:
            pw.abort(identifier)
        assert conflict.value.type == "TransactionNoLongerAbortable"
        with pytest.raises(PayworksNotFound):
            pw.transaction("0f487dc3-35cd-4125-8b82-631c7d5b328c")


def test_refused_credentials_raise_the_auth_error(sandbox: Sandbox) -> None:
    wrong = PayworksCredentials(CREDENTIALS.api_identifier, "wrong")
    with (
        PayworksClient(sandbox.base_url("payworks"), wrong) as pw,
        pytest.raises(PayworksAuthError) as refused,
    ):
        pw.register_charge(MERCHANT, 1, "EUR")
    assert (refused.value.status, refused.value.type) == (401, "ServerAuthenticationFailed")


def test_an_answer_that_is_not_payworks_is_a_transport_error(sandbox: Sandbox) -> None:
    with PayworksClient(sandbox.url, CREDENTIALS) as pw, pytest.raises(PayworksTransportError):
        pw.send("GET", "/_sandbox/health", None)


def test_the_credentials_make_the_documented_header() -> None:
    assert PayworksCredentials("id-1", "key-2").authorization == (
        "payworks-apiIdentifier apiIdentifier=id-1,apiSecretKey=key-2"
    )


def test_a_documented_event_is_read() -> None:
    assert parse_event(json.dumps(EVENT).encode()) == EVENT


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"created": "2013-07-09T12:12:01Z"}, "created is not yyyy-MM-dd HH:mm:ss"),
        ({"type": None}, "event without type"),
        ({"transaction": None}, "event without a transaction"),
        ({"transaction": {**EVENT["transaction"], "status": "DONE"}}, "unknown status 'DONE'"),
        ({"transaction": {**EVENT["transaction"], "amount": "3.14"}}, "amount is a number"),
    ],
)
def test_an_event_not_as_documented_is_refused(change: dict[str, Any], why: str) -> None:
    with pytest.raises(InvalidEvent, match=why):
        parse_event(json.dumps({**EVENT, **change}).encode())
    with pytest.raises(InvalidEvent):
        parse_event(b"not json")
