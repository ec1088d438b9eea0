"""What a person does at a card-present terminal, run on registered operations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import (
    Decision,
    Intent,
    Open,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    PaymentStatus,
    Policy,
    Reason,
    Register,
    RuleViolation,
    Violation,
    declined,
)
from psp_sandbox.simulator.outcomes.card import read_card
from psp_sandbox.simulator.outcomes.terminal import (
    AtTerminal,
    CardReading,
    PresentedCard,
    TerminalProfile,
    TerminalRefusal,
    Verification,
    masked_card,
    terminal_state,
)
from psp_sandbox.simulator.services import terminal
from psp_sandbox.simulator.services.payments import PaymentService, Scope
from psp_sandbox.simulator.store import MemoryStore
from tests.services.fakes import FakeTime, payment_service

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
SCOPE = Scope("tenant-a", "demo")
POLICY = Policy(order_ttl_seconds=900, exact_registered_refunds=True, voidable=frozenset())
TEST_CARD = "5413330000080086"


def read(payment: Payment, op: Operation, presented: PresentedCard) -> CardReading:
    """A test card whose amount decides: 20.00 asks for a PIN, 21.00 refuses every PIN, 50.00
    is declined at once; other numbers follow the neutral table without verification."""
    today = T0.date()
    if presented.number is not None:
        return CardReading(read_card(presented.number, None, None, today), presented.entry)
    card = read_card(TEST_CARD, 12, 2030, today)
    if op.amount == 5_000:
        return CardReading(
            replace(card, outcome=declined(Reason.CARD_DECLINED)),
            presented.entry,
            Verification.OFFLINE_PIN,
            verify_first=False,
        )
    asks = op.amount in (2_000, 2_100) and op.kind.is_primary
    return CardReading(
        card,
        presented.entry,
        Verification.OFFLINE_PIN if asks else Verification.NONE,
        pin_accepted=op.amount != 2_100,
        holder="TEST CARD",
    )


PROFILE = TerminalProfile("test card", read, lambda payment, op: op.status.value.upper())


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime(T0)


@pytest.fixture
async def payments(clock: FakeTime) -> PaymentService:
    store = MemoryStore()
    await store.open()
    return payment_service(store, clock, "demo", POLICY)


async def registered(payments: PaymentService, amount: int, reference: str = "o-1") -> Payment:
    opened = Open(f"p-{reference}", "tenant-a", "demo", reference, "EUR", amount, Intent.SALE)
    decision = await payments.create(
        SCOPE, reference, [opened, Register(f"{reference}-sale", OperationKind.SALE)]
    )
    return decision.payment


async def at_terminal(payments: PaymentService, payment: Payment, **done: object) -> Decision:
    current = await payments.get(payment.id)
    assert current is not None
    return await terminal.act(payments, PROFILE, current, None, AtTerminal(**done))  # type: ignore[arg-type]


def sale_of(decision: Decision) -> Operation:
    op = decision.payment.primary
    assert op is not None
    return op


async def test_a_card_without_verification_is_approved_when_presented(
    payments: PaymentService,
) -> None:
    payment = await registered(payments, 1_000)
    done = await at_terminal(payments, payment, card=PresentedCard("contactless"))
    op = sale_of(done)
    assert (done.payment.status, op.status) == (PaymentStatus.CAPTURED, OperationStatus.SUCCEEDED)
    state = terminal_state(op)
    assert (state["entry"], state["verification"], state["card"]["holder"]) == (
        "contactless",
        "none",
        "TEST CARD",
    )
    assert masked_card(op) == "541333******0086"
    assert TEST_CARD not in str(op.details)


async def test_a_pin_card_waits_for_the_pin_then_runs(payments: PaymentService) -> None:
    payment = await registered(payments, 2_000)
    waiting = await at_terminal(payments, payment)
    assert waiting.payment.status is PaymentStatus.ACTION_REQUIRED
    with pytest.raises(TerminalRefusal) as refused:
        await at_terminal(payments, payment)
    assert refused.value.code == "waiting_for_pin"
    with pytest.raises(TerminalRefusal) as refused:
        await at_terminal(payments, payment, pin="12")
    assert refused.value.code == "invalid_pin"
    done = await at_terminal(payments, payment, pin="1234")
    assert done.payment.status is PaymentStatus.CAPTURED
    assert terminal_state(sale_of(done))["pin_verified"] is True
    assert "1234" not in str(sale_of(done).details)


async def test_a_card_presented_with_its_pin_runs_in_one_go(payments: PaymentService) -> None:
    payment = await registered(payments, 2_000)
    done = await at_terminal(payments, payment, pin="0000")
    assert done.payment.status is PaymentStatus.CAPTURED
    history = [change.new for change in done.payment.history]
    assert history == [
        PaymentStatus.CREATED,
        PaymentStatus.ACTION_REQUIRED,
        PaymentStatus.CAPTURED,
    ]


async def test_a_wrong_offline_pin_declines_on_the_last_try(payments: PaymentService) -> None:
    payment = await registered(payments, 2_100)
    await at_terminal(payments, payment)
    for left in (2, 1):
        again = await at_terminal(payments, payment, pin="1234")
        assert again.payment.status is PaymentStatus.ACTION_REQUIRED
        assert terminal_state(sale_of(again))["pin_tries_left"] == left
    done = await at_terminal(payments, payment, pin="1234")
    op = sale_of(done)
    assert (done.payment.status, op.reason) == (PaymentStatus.DECLINED, "pin_tries_exceeded")


async def test_a_card_that_declines_at_once_asks_for_no_pin(payments: PaymentService) -> None:
    payment = await registered(payments, 5_000)
    done = await at_terminal(payments, payment, pin="1234")
    assert (done.payment.status, sale_of(done).reason) == (PaymentStatus.DECLINED, "card_declined")


@pytest.mark.parametrize(
    ("ending", "reason"),
    [({"remove_card": True}, "card_removed"), ({"abort": True}, "cancelled_by_cardholder")],
)
async def test_the_cardholder_ends_the_transaction_while_the_pin_is_asked(
    payments: PaymentService, ending: dict[str, bool], reason: str
) -> None:
    payment = await registered(payments, 2_000)
    await at_terminal(payments, payment)
    done = await at_terminal(payments, payment, **ending)
    assert (done.payment.status, sale_of(done).reason) == (PaymentStatus.CANCELLED, reason)


async def test_aborting_before_a_card_is_the_merchants_abort(payments: PaymentService) -> None:
    payment = await registered(payments, 1_000)
    with pytest.raises(TerminalRefusal) as refused:
        await at_terminal(payments, payment, remove_card=True)
    assert refused.value.code == "no_card_in_reader"
    done = await at_terminal(payments, payment, abort=True)
    assert (done.payment.status, sale_of(done).reason) == (
        PaymentStatus.CANCELLED,
        "cancelled_by_merchant",
    )
    with pytest.raises(TerminalRefusal) as refused:
        await at_terminal(payments, payment)
    assert refused.value.code == "nothing_waiting"


async def test_a_session_that_lapsed_cannot_be_executed(
    payments: PaymentService, clock: FakeTime
) -> None:
    payment = await registered(payments, 1_000)
    clock.now += timedelta(seconds=900)
    with pytest.raises(RuleViolation) as refused:
        await terminal.act(payments, PROFILE, payment, "o-1-sale", AtTerminal())
    assert refused.value.code is Violation.ORDER_EXPIRED
    lapsed = await payments.get(payment.id)
    assert lapsed is not None and lapsed.status is PaymentStatus.CREATED  # nothing committed


async def test_another_card_follows_the_neutral_table(payments: PaymentService) -> None:
    payment = await registered(payments, 2_000)
    done = await at_terminal(payments, payment, card=PresentedCard(number="4000000000000002"))
    assert (done.payment.status, masked_card(sale_of(done))) == (
        PaymentStatus.DECLINED,
        "400000******0002",
    )
    other = await registered(payments, 1_000, "o-2")
    with pytest.raises(TerminalRefusal) as refused:
        await at_terminal(payments, other, card=PresentedCard(number="4000000000000003"))
    assert refused.value.code == "invalid_card"


async def test_a_registered_refund_is_run_by_presenting_the_card(payments: PaymentService) -> None:
    payment = await registered(payments, 1_000)
    await at_terminal(payments, payment)
    refund = Register("o-1-refund", OperationKind.REFUND, 1_000, "EUR", "o-1-sale")
    await payments.update(SCOPE, "o-1", lambda _p: [refund])
    done = await at_terminal(payments, payment, pin="1234")
    assert done.payment.status is PaymentStatus.REFUNDED
    op = done.payment.operation("o-1-refund")
    assert op is not None and terminal_state(op)["verification"] == "none"
    assert done.operation is not None and done.operation.id == "o-1-refund"
