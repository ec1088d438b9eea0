"""Fixtures for Macropay tests: a client with the sandbox's default x-api-key, cards, orders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from psp_sandbox.client.macropay import AsyncMacropayClient, Card, MacropayApiError
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.macropay import auth
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.waiting import eventually

API_KEY = auth.DEFAULT_API_KEY
VISA = Card("4111111111111111", "Ana Test", 12, 2030, "123")

CreateOrder = Callable[..., Awaitable[Any]]


def card(number: str, **changes: Any) -> Card:
    fields = {
        "number": number,
        "holder": "Ana Test",
        "expiry_month": 12,
        "expiry_year": 2030,
        "cvv": "123",
        **changes,
    }
    return Card(**fields)


def envelope(code: str, message: str) -> dict[str, Any]:
    """Revup's error body, exactly."""
    return {"transactionStatus": "failed", "error": {"code": code, "message": message}}


async def refused(call: Awaitable[Any]) -> MacropayApiError:
    with pytest.raises(MacropayApiError) as raised:
        await call
    return raised.value


async def settled(admin: AsyncSandboxAdmin, order_id: str, event: str, attempts: int) -> Any:
    """The order's ``event`` delivery once ``attempts`` attempts are recorded and none is in
    flight. The sink sees a request before the dispatcher records its answer: move the clock
    only after this, or a retry is scheduled from the moved clock."""
    payment = await admin.find_payment("macropay", order_id)

    def done(hooks: list[Any]) -> bool:
        return any(
            h["event"] == event and len(h["attempts"]) >= attempts and h["state"] != "in_flight"
            for h in hooks
        )

    hooks = await eventually(lambda: admin.webhooks(payment_id=payment["id"]), done)
    return next(h for h in hooks if h["event"] == event)


@pytest.fixture
async def macropay(sandbox: Sandbox) -> AsyncIterator[AsyncMacropayClient]:
    async with AsyncMacropayClient(
        sandbox.base_url("macropay") + "/v2", API_KEY, headers=sandbox.headers
    ) as client:
        yield client


@pytest.fixture
def new_order(macropay: AsyncMacropayClient) -> CreateOrder:
    """Create an order (10.00 EUR unless told otherwise); returns its orderId."""

    async def create(amount: Any = "10.00", currency: str = "EUR", **fields: Any) -> str:
        order = await macropay.create_order(amount, currency, **fields)
        return str(order["orderId"])

    return create
