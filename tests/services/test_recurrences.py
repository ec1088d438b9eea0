"""Recurrence chains in the store: charge results come from the payments, closing disables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import (
    APPROVED,
    Intent,
    Open,
    Outcome,
    RuleViolation,
    Start,
    Tick,
    Violation,
    declined,
    pending,
)
from psp_sandbox.simulator.engine.recurrence import Charge, ChargeState, Sequence
from psp_sandbox.simulator.outcomes.card import read_card
from psp_sandbox.simulator.services.payments import Scope
from psp_sandbox.simulator.services.recurrences import Recurrences
from psp_sandbox.simulator.services.tokens import CardTokens
from psp_sandbox.simulator.store import Store, store_from_url
from tests.services.fakes import FakeTime, payment_service

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SCOPE = Scope("tenant-1", "acme")


class Parts:
    def __init__(self, store: Store) -> None:
        self.time = FakeTime(T0)
        self.payments = payment_service(store, self.time, "acme")
        self.tokens = CardTokens(store)
        self.chains = Recurrences(store, self.payments, self.tokens)

    @property
    def now(self) -> datetime:
        return self.time.now

    @now.setter
    def now(self, value: datetime) -> None:
        self.time.now = value

    async def charge(self, n: int, sequence: Sequence, outcome: Outcome) -> Charge:
        ref = f"order-{n}"
        opened = Open(f"pay-{n}", SCOPE.tenant, "acme", ref, "EUR", 100, Intent.SALE)
        await self.payments.create(SCOPE, ref, [opened, Start(f"op-{n}", outcome)])
        return Charge(f"pay-{n}", f"op-{n}", sequence, self.now)


@pytest.fixture
async def parts() -> AsyncIterator[Parts]:
    store = store_from_url("memory://")
    await store.open()
    yield Parts(store)
    await store.close()


async def test_a_chain_reads_each_charges_result_from_its_payment(parts: Parts) -> None:
    initial = await parts.charge(0, Sequence.INITIAL, pending(APPROVED, 60))
    await parts.chains.start(SCOPE, initial, None, None)
    chain = await parts.chains.get(SCOPE, "op-0")
    assert chain is not None and chain.initial.state is ChargeState.IN_FLIGHT
    parts.now += timedelta(seconds=60)
    await parts.payments.update(SCOPE, "order-0", lambda _p: [Tick()])
    chain = await parts.chains.get(SCOPE, "op-0")
    assert chain is not None and chain.initial.state is ChargeState.SUCCEEDED
    assert await parts.chains.get(SCOPE, "op-unknown") is None


async def test_recorded_charges_keep_the_minimum_period(parts: Parts) -> None:
    initial = await parts.charge(0, Sequence.INITIAL, APPROVED)
    await parts.chains.start(SCOPE, initial, None, timedelta(days=1))
    parts.now += timedelta(days=1)
    chain = await parts.chains.get(SCOPE, "op-0")
    assert chain is not None
    first = await parts.charge(1, Sequence.RECURRING, APPROVED)
    await parts.chains.add(SCOPE, chain, first, parts.now)
    chain = await parts.chains.get(SCOPE, "op-0")
    assert chain is not None and [c.state for c in chain.charges] == [ChargeState.SUCCEEDED] * 2
    with pytest.raises(RuleViolation) as raised:
        await parts.chains.add(
            SCOPE, chain, await parts.charge(2, Sequence.RECURRING, APPROVED), parts.now
        )
    assert raised.value.code is Violation.RECURRENCE_TOO_SOON


async def test_a_successful_final_disables_the_token_and_a_declined_one_does_not(
    parts: Parts,
) -> None:
    card = read_card("4111111111111111", 12, 2030, T0.date())
    await parts.tokens.issue(SCOPE, "tok-1", card)
    initial = await parts.charge(0, Sequence.INITIAL, APPROVED)
    await parts.chains.start(SCOPE, initial, "tok-1", None)
    chain = await parts.chains.get(SCOPE, "op-0")
    assert chain is not None
    await parts.chains.add(
        SCOPE, chain, await parts.charge(1, Sequence.FINAL, declined()), parts.now
    )
    reloaded = await parts.chains.get(SCOPE, "op-0")
    assert reloaded is not None and reloaded.usable
    assert (await parts.tokens.get(SCOPE, "tok-1")).active  # type: ignore[union-attr]
    await parts.chains.add(
        SCOPE, reloaded, await parts.charge(2, Sequence.FINAL, APPROVED), parts.now
    )
    closed = await parts.chains.get(SCOPE, "op-0")
    assert closed is not None and closed.closed
    assert not (await parts.tokens.get(SCOPE, "tok-1")).active  # type: ignore[union-attr]
