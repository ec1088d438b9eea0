"""A payment's wake-up time: the scheduler calls its provider when the tenant clock reaches it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from psp_sandbox.simulator.engine import Intent, Open, Payment, Start, WakeAt
from psp_sandbox.simulator.services.clock import Clocks
from psp_sandbox.simulator.services.payments import PaymentService, Scope
from psp_sandbox.simulator.services.scheduler import Scheduler
from psp_sandbox.simulator.store import Store, store_from_url
from tests.services.fakes import FakeTime, QuietRules, payment_service

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SCOPE = Scope("tenant-a", "demo")


class Rebilling(QuietRules):
    """Wakes every ten minutes, three times, rescheduling itself each time."""

    def __init__(self, payments: list[PaymentService]) -> None:
        super().__init__("demo")
        self.payments = payments

    async def wake(self, payment: Payment) -> None:
        await super().wake(payment)
        assert payment.wake_at is not None
        if len(self.woken) < 3:
            later = payment.wake_at + timedelta(minutes=10)
            await self.payments[0].update(SCOPE, payment.reference, lambda _p: [WakeAt(later)])


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    urls = {"memory": lambda: "memory://", "sqlite": lambda: f"sqlite:///{tmp_path}/s.db"}
    urls["postgresql"] = lambda: request.getfixturevalue("postgres_url")
    chosen = store_from_url(urls[request.param]())
    await chosen.open()
    yield chosen
    await chosen.close()


async def test_the_provider_is_woken_at_each_moment_it_asked_for_and_never_twice(
    store: Store,
) -> None:
    time = FakeTime(T0)
    holder: list[PaymentService] = []
    rules = Rebilling(holder)
    service = payment_service(store, time, "demo")
    service._rules = {"demo": rules}  # the provider under test
    holder.append(service)
    scheduler = Scheduler(store, Clocks(store, time), service)
    opened = await service.create(
        SCOPE,
        "plan-1",
        [
            Open("p-1", "tenant-a", "demo", "plan-1", "EUR", 100, Intent.SALE),
            Start("1"),
            WakeAt(T0 + timedelta(minutes=10)),
        ],
    )
    assert opened.payment.due_at == T0 + timedelta(minutes=10)
    time.now += timedelta(minutes=9)
    await scheduler.run_due()
    assert rules.woken == []
    time.now += timedelta(minutes=31)
    for _ in range(5):  # each pass wakes what is due by now, once
        await scheduler.run_due()
    assert [p.wake_at for p in rules.woken] == [
        T0 + timedelta(minutes=10),
        T0 + timedelta(minutes=20),
        T0 + timedelta(minutes=30),
    ]
    final = await service.get("p-1")
    assert final is not None and (final.wake_at, final.due_at) == (None, None)
