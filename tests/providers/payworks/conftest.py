"""Fixtures for payworks tests: a client with the sandbox's default credentials and merchant,
and the admin calls that stand in for the app executing a transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from psp_sandbox.client.payworks import AsyncPayworksClient, PayworksApiError, PayworksCredentials
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.payworks import auth
from psp_sandbox.simulator.testing.plugin import Sandbox

CREDENTIALS = PayworksCredentials(auth.DEFAULT_API_IDENTIFIER, auth.DEFAULT_API_SECRET_KEY)
MERCHANT = auth.DEFAULT_MERCHANT

Charge = Callable[..., Awaitable[Any]]


def envelope(kind: str, message: str) -> dict[str, Any]:
    """The sandbox's payworks error body, exactly."""
    return {"status": "error", "error": {"type": kind, "message": message}}


async def refused(call: Awaitable[Any]) -> PayworksApiError:
    with pytest.raises(PayworksApiError) as raised:
        await call
    return raised.value


@pytest.fixture
async def payworks(sandbox: Sandbox) -> AsyncIterator[AsyncPayworksClient]:
    async with AsyncPayworksClient(
        sandbox.base_url("payworks"), CREDENTIALS, headers=sandbox.headers
    ) as client:
        yield client


@pytest.fixture
def charge(payworks: AsyncPayworksClient) -> Charge:
    """Register a charge (10.00 EUR unless told otherwise); returns the session data."""

    async def register(amount: Any = "10.00", currency: str = "EUR", **fields: Any) -> Any:
        return await payworks.register_charge(MERCHANT, amount, currency, **fields)

    return register


async def payment_of(admin: AsyncSandboxAdmin, transaction: str) -> Any:
    """The sandbox's payment behind a payworks transaction (its group)."""
    [found] = await admin.payments(provider="payworks", reference=transaction)
    return found


async def executed(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, transaction: str, **done: Any
) -> Any:
    """Do at the terminal what ``done`` says (default: insert the Test Card); the transaction
    as payworks then reports it."""
    payment = await admin.payments(provider="payworks", reference=transaction)
    if not payment:  # a refund: its group is named by the charge
        charge = (await payworks.transaction(transaction))["referencedTransactionIdentifier"]
        payment = await admin.payments(provider="payworks", reference=charge)
    await admin.execute(payment[0]["id"], operation_id=transaction, **done)
    return await payworks.transaction(transaction)


async def approved_charge(
    admin: AsyncSandboxAdmin, payworks: AsyncPayworksClient, amount: Any = "10.00"
) -> Any:
    session = await payworks.register_charge(MERCHANT, amount, "EUR")
    done = await executed(admin, payworks, session["transaction"]["identifier"], pin="1234")
    assert done["status"] == "APPROVED"
    return done
