"""Stand-ins for the service tests: a provider that sends no webhooks, a settable clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from psp_sandbox.simulator.engine import Decision, Payment, Policy
from psp_sandbox.simulator.faults.injection import QueuedFaults
from psp_sandbox.simulator.ids import Ids
from psp_sandbox.simulator.outcomes.scripted import QueuedOutcomes
from psp_sandbox.simulator.services.clock import Clocks
from psp_sandbox.simulator.services.payments import Notification, PaymentService
from psp_sandbox.simulator.store import Store


class QuietRules:
    """A provider's rules with the default policy and no webhooks."""

    def __init__(self, name: str, policy: Policy | None = None) -> None:
        self.name = name
        self.policy = policy or Policy()

        #: Payments woken, in order (``WakeAt``).
        self.woken: list[Payment] = []

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        return ()

    async def wake(self, payment: Payment) -> None:
        self.woken.append(payment)


class FakeTime:
    """A real-time source the test moves by hand (``time.now += timedelta(...)``)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def payment_service(
    store: Store, time: FakeTime, provider: str, policy: Policy | None = None
) -> PaymentService:
    return PaymentService(
        store,
        Clocks(store, time),
        Ids(1),
        {provider: QuietRules(provider, policy)},
        QueuedOutcomes(),
        QueuedFaults(),
    )
