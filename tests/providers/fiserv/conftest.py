"""Fixtures for Fiserv tests: a signing client with the sandbox's default test credentials,
whose Timestamp is real time (give or take a skew the test sets), and the tenant's clock."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from psp_sandbox.client._transport import Answer, AsyncClient, Request
from psp_sandbox.client.fiserv import AsyncFiservClient, Card, FiservApi, FiservCredentials
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.fiserv import auth
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conformance import Recorded, problems

CREDENTIALS = FiservCredentials(auth.DEFAULT_API_KEY, auth.DEFAULT_API_SECRET)
VISA = Card("4111111111111111", "12", "30", "123")
BASE = "/gateway/v2"


def card(number: str) -> Card:
    return Card(number, "12", "30", "123")


class TenantClock:
    """Epoch seconds on the tenant's clock: real time plus what the test advanced. Requests
    are signed with ``signing``: real time plus ``skew`` (a merchant's clock set wrong)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.skew = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def signing(self) -> float:
        return time.time() + self.skew

    async def advance(self, admin: AsyncSandboxAdmin, seconds: float) -> None:
        await admin.advance_clock(seconds)
        self.offset += seconds


@pytest.fixture
def clock() -> TenantClock:
    return TenantClock()


@pytest.fixture
async def fiserv(sandbox: Sandbox, clock: TenantClock) -> AsyncIterator[AsyncFiservClient]:
    async with AsyncFiservClient(
        sandbox.base_url("fiserv") + BASE,
        CREDENTIALS,
        headers=sandbox.headers,
        clock=clock.signing,
    ) as client:
        yield client


@pytest.fixture
def order_id() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"order-{next(counter)}"


# --- conformance: every answer a Fiserv test receives is checked against the official spec ---


@pytest.fixture(autouse=True)
def official_conformance(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Recorded]]:
    """Record every answer of the test (this client's and the official SDK's); at the end,
    each must match the schema Fiserv's 24.2.0 document declares for it."""
    answers: list[Recorded] = []
    original = AsyncClient._send

    async def recording(self: AsyncClient[Any], request: Request) -> Answer:
        answer = await original(self, request)
        if isinstance(self.api, FiservApi):
            url = self.base_url + request.path
            record(answers, request.method, url, answer.status, answer.text)
        return answer

    monkeypatch.setattr(AsyncClient, "_send", recording)
    yield answers
    found = problems(answers)
    assert not found, "answers the official document does not allow:\n" + "\n".join(found)


def record(answers: list[Recorded], method: str, url: str, status: int, text: str) -> None:
    try:
        body = json.loads(text)
    except ValueError:
        return  # not JSON: not a Fiserv answer (hosted pages)
    answers.append(Recorded(method.upper(), urlsplit(url).path, status, body))
