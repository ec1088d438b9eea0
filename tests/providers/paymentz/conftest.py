"""Fixtures for Paymentz tests: the client with the sandbox's test member, raw requests in every
encoding, cards and refusals."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from psp_sandbox.client.paymentz import (
    AsyncPaymentzClient,
    Card,
    PaymentzApiError,
    PaymentzCredentials,
    checksum,
    nested,
    xml_to_dict,
)
from psp_sandbox.simulator.providers.paymentz import auth
from psp_sandbox.simulator.testing.plugin import Sandbox

MEMBER = auth.DEFAULT_MEMBER_ID
KEY = auth.DEFAULT_SECURE_KEY
CREDENTIALS = PaymentzCredentials(MEMBER, KEY)
BASE = "/transactionServices/REST/v1"
VISA = Card("4111110000000021", 12, 2030, "123", "Ana Test")

#: How a raw request is sent: form or JSON (dotted or nested), answered in JSON or XML.
ENCODINGS = ["form", "json-dotted", "json-nested"]


def card(number: str, **changes: Any) -> Card:
    fields = {"number": number, "expiry_month": 12, "expiry_year": 2030, "cvv": "123"}
    return Card(**{**fields, "holder": "Ana Test", **changes})


async def refused(call: Awaitable[Any], status: int, code: str) -> PaymentzApiError:
    """The call's error, checked to be ``status`` with result ``code``."""
    with pytest.raises(PaymentzApiError) as raised:
        await call
    error = raised.value
    assert (error.status, error.code) == (status, code), error
    return error


def payment_fields(reference: str, amount: str = "50.00", **extra: str) -> dict[str, str]:
    """A valid DB request by card, as dotted form fields."""
    return {
        "authentication.memberId": MEMBER,
        "authentication.checksum": checksum(MEMBER, KEY, reference, amount),
        "merchantTransactionId": reference,
        "amount": amount,
        "currency": "EUR",
        "paymentType": "DB",
        **VISA.fields(),
        **extra,
    }


class Raw:
    """Requests exactly as given: a body in any encoding, an answer in JSON or XML."""

    def __init__(self, sandbox: Sandbox, http: httpx.AsyncClient) -> None:
        self.url = sandbox.base_url("paymentz") + BASE
        self.headers = sandbox.headers
        self.http = http
        self.token = ""

    async def authenticate(self) -> str:
        answer = await self.http.post(
            f"{self.url}/authToken",
            data={"authentication.memberId": MEMBER, "authentication.sKey": KEY},
            headers=self.headers,
        )
        self.token = answer.json()["AuthToken"]
        return self.token

    async def post(
        self,
        path: str,
        fields: Mapping[str, str],
        *,
        encoding: str = "form",
        xml: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = {**self.headers, "AuthToken": self.token, **(headers or {})}
        if xml:
            sent["Accept"] = "application/xml"
        if encoding == "form":
            body = urlencode(fields).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            shaped = dict(fields) if encoding == "json-dotted" else nested(fields)
            body = json.dumps(shaped).encode()  # ASCII: a lone surrogate travels escaped
            sent.setdefault("Content-Type", "application/json")
        return await self.http.post(self.url + path, content=body, headers=sent)


def read(answer: httpx.Response) -> dict[str, Any]:
    """The body of a JSON or XML answer, as a dictionary."""
    if "xml" in answer.headers["Content-Type"]:
        return xml_to_dict(answer.text)
    body: dict[str, Any] = answer.json()
    return body


def result_of(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, read(answer)["result"]["code"]


@pytest.fixture
async def paymentz(sandbox: Sandbox) -> AsyncIterator[AsyncPaymentzClient]:
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), CREDENTIALS, headers=sandbox.headers
    ) as client:
        yield client


@pytest.fixture
async def raw(sandbox: Sandbox) -> AsyncIterator[Raw]:
    async with httpx.AsyncClient(timeout=30) as http:
        client = Raw(sandbox, http)
        await client.authenticate()
        yield client


@pytest.fixture
def reference() -> Callable[[], str]:
    """Fresh merchantTransactionIds: o-1, o-2 …"""
    counter = itertools.count(1)
    return lambda: f"o-{next(counter)}"
