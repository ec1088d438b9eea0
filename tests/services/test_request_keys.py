"""Request keys in the payment service: a retry gets its first answer, a reused key is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import Command, Decision, Intent, Open, RuleViolation, Start
from psp_sandbox.simulator.services.payments import PaymentService, Scope
from psp_sandbox.simulator.services.requests import (
    Answer,
    AnsweredBefore,
    KeyedRequest,
    KeyReused,
    RequestKey,
    answered_before,
    fingerprint,
    remember_now,
)
from psp_sandbox.simulator.store import MemoryStore
from tests.services.fakes import FakeTime, payment_service

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SCOPE = Scope("tenant-a", "demo")


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime(T0)


@pytest.fixture
async def service(clock: FakeTime) -> tuple[PaymentService, MemoryStore]:
    store = MemoryStore()
    await store.open()
    return payment_service(store, clock, "demo"), store


def keyed(key: str, body: bytes, renders: list[str]) -> KeyedRequest:
    def answer(decision: Decision) -> Answer:
        renders.append(decision.payment.reference)
        return Answer(200, {"reference": decision.payment.reference, "ops": len(renders)})

    request_key = RequestKey("tenant-a", "demo", key, fingerprint("POST", "/pay", body), 300)
    return KeyedRequest(request_key, answer)


def sale(reference: str) -> list[Command]:
    return [
        Open(f"p-{reference}", "tenant-a", "demo", reference, "EUR", 100, Intent.SALE),
        Start("1"),
    ]


async def test_the_same_request_under_its_key_gets_the_first_answer_and_changes_nothing(
    service: tuple[PaymentService, MemoryStore],
) -> None:
    payments, _store = service
    renders: list[str] = []
    first = keyed("k-1", b'{"a":1}', renders)
    await payments.create(SCOPE, "order-1", sale("order-1"), request=first)
    with pytest.raises(AnsweredBefore) as again:
        await payments.create(SCOPE, "order-1", sale("order-1"), request=first)
    assert again.value.answer == Answer(200, {"reference": "order-1", "ops": 1})
    assert renders == ["order-1"]
    payment = await payments.find(SCOPE, "order-1")
    assert payment is not None and len(payment.operations) == 1


async def test_the_key_on_another_request_is_refused(
    service: tuple[PaymentService, MemoryStore],
) -> None:
    payments, _store = service
    renders: list[str] = []
    await payments.create(SCOPE, "order-1", sale("order-1"), request=keyed("k-1", b"1", renders))
    with pytest.raises(KeyReused):
        await payments.create(
            SCOPE,
            "order-1",
            sale("order-1"),
            request=keyed("k-1", b"2", renders),
        )


async def test_a_key_is_forgotten_after_its_time_on_the_tenant_clock(
    service: tuple[PaymentService, MemoryStore], clock: FakeTime
) -> None:
    payments, _store = service
    renders: list[str] = []
    await payments.create(SCOPE, "order-1", sale("order-1"), request=keyed("k-1", b"1", renders))
    clock.now = T0 + timedelta(seconds=301)
    await payments.create(SCOPE, "order-2", sale("order-2"), request=keyed("k-1", b"2", renders))
    assert renders == ["order-1", "order-2"]


async def test_a_refused_command_remembers_no_answer(
    service: tuple[PaymentService, MemoryStore],
) -> None:
    payments, _store = service
    renders: list[str] = []
    await payments.create(SCOPE, "order-1", sale("order-1"))
    request = keyed("k-1", b"1", renders)
    for _ in range(2):
        with pytest.raises(RuleViolation):
            await payments.create(SCOPE, "order-1", sale("order-1"), request=request)
    assert renders == []


async def test_keys_outside_the_payment_service_are_recalled_the_same_way(
    service: tuple[PaymentService, MemoryStore],
) -> None:
    _payments, store = service
    key = RequestKey("tenant-a", "demo", "k-9", fingerprint("DELETE", "/tokens/1", b""), 300)
    await answered_before(store, key, T0)  # nothing remembered yet: returns
    await remember_now(store, key, Answer(200, {"deleted": True}), T0)
    with pytest.raises(AnsweredBefore) as again:
        await answered_before(store, key, T0 + timedelta(seconds=10))
    assert again.value.answer.body == {"deleted": True}
    other = RequestKey("tenant-a", "demo", "k-9", fingerprint("GET", "/tokens/1", b""), 300)
    with pytest.raises(KeyReused):
        await answered_before(store, other, T0)
    elsewhere = RequestKey("tenant-b", "demo", "k-9", other.fingerprint, 300)
    await answered_before(store, elsewhere, T0)  # keys are per tenant
