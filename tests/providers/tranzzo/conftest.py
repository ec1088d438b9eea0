"""Fixtures for Tranzzo tests: a client with the sandbox's default test credentials."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable

import pytest

from psp_sandbox.client.tranzzo import AsyncTranzzoClient, Card, TranzzoCredentials
from psp_sandbox.simulator.providers.tranzzo import auth
from psp_sandbox.simulator.testing.plugin import Sandbox

CREDENTIALS = TranzzoCredentials(
    pos_id=auth.DEFAULT_POS_ID,
    api_key=auth.DEFAULT_API_KEY,
    api_secret=auth.DEFAULT_API_SECRET,
    endpoints_key=auth.DEFAULT_ENDPOINTS_KEY,
)
VISA = Card("4242424242424242", 12, 30, "123")


def card(number: str) -> Card:
    return Card(number, 12, 30, "123")


@pytest.fixture
async def tranzzo(sandbox: Sandbox) -> AsyncIterator[AsyncTranzzoClient]:
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers
    ) as c:
        yield c


@pytest.fixture
def order_id() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"order-{next(counter)}"
