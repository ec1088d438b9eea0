"""The dispute lifecycle in the engine: stages, amounts, and what a dispute forbids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import (
    AdvanceDispute,
    Capture,
    DisputeStage,
    DisputeUpdated,
    Intent,
    Open,
    OperationKind,
    Payment,
    PaymentStatus,
    Policy,
    Refund,
    RuleViolation,
    Start,
    Violation,
    Void,
    decide,
)

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PLAIN = Policy(voidable=frozenset({OperationKind.SALE, OperationKind.AUTH}))
DAILY = Policy(settles_daily=True)
D = DisputeStage


def sale(amount: int = 10_000, policy: Policy = PLAIN, intent: Intent = Intent.SALE) -> Payment:
    opened = decide(None, Open("p1", "t", "x", "order-1", "EUR", amount, intent), policy, NOW)
    return decide(opened.payment, Start("op-1"), policy, NOW).payment


def dispute(
    p: Payment,
    stage: DisputeStage,
    amount: int | None = None,
    policy: Policy = PLAIN,
    now: datetime = NOW,
    dispute_id: str = "d1",
) -> Payment:
    return decide(p, AdvanceDispute(dispute_id, stage, amount, "13.1"), policy, now).payment


def refused(p: Payment, command: object, policy: Policy = PLAIN, now: datetime = NOW) -> Violation:
    with pytest.raises(RuleViolation) as raised:
        decide(p, command, policy, now)  # type: ignore[arg-type]
    return raised.value.code


def test_a_chargeback_that_is_won_goes_through_its_stages_and_releases_the_money() -> None:
    p = dispute(sale(), D.INQUIRY, 4_000)
    assert (p.disputed, p.open_dispute and p.open_dispute.stage) == (4_000, D.INQUIRY)
    p = dispute(p, D.CHARGEBACK)
    p = dispute(p, D.WON)
    (case,) = p.disputes
    assert [(c.old, c.new) for c in case.history] == [
        (None, D.INQUIRY),
        (D.INQUIRY, D.CHARGEBACK),
        (D.CHARGEBACK, D.WON),
    ]
    assert (p.disputed, p.open_dispute, p.status) == (0, None, PaymentStatus.CAPTURED)


def test_each_move_raises_a_dispute_event_naming_both_stages() -> None:
    opened = decide(sale(), AdvanceDispute("d1", D.CHARGEBACK, None, "10.4"), PLAIN, NOW)
    lost = decide(opened.payment, AdvanceDispute("", D.LOST), PLAIN, NOW)
    assert opened.events == (DisputeUpdated("p1", "d1", None, D.CHARGEBACK),)
    assert lost.events == (DisputeUpdated("p1", "d1", D.CHARGEBACK, D.LOST),)
    assert lost.payment.disputed == 10_000


def test_a_dispute_cannot_take_back_more_than_captured_less_refunded() -> None:
    p = decide(sale(), Refund("r1", 3_000), PLAIN, NOW).payment
    assert refused(p, AdvanceDispute("d1", D.CHARGEBACK, 7_001)) is (
        Violation.DISPUTE_EXCEEDS_AVAILABLE
    )
    p = dispute(p, D.CHARGEBACK)
    assert p.disputed == 7_000


def test_disputed_money_cannot_be_refunded() -> None:
    p = dispute(sale(), D.INQUIRY, 6_000)
    assert refused(p, Refund("r1", 4_001)) is Violation.REFUND_EXCEEDS_CAPTURED
    p = decide(p, Refund("r1", 4_000), PLAIN, NOW).payment
    assert refused(p, Refund("r2")) is Violation.REFUND_EXCEEDS_CAPTURED
    assert (p.status, p.refunded, p.disputed) == (PaymentStatus.PARTIALLY_REFUNDED, 4_000, 6_000)


def test_a_won_dispute_makes_its_money_refundable_again() -> None:
    p = dispute(dispute(sale(), D.CHARGEBACK, 6_000), D.REVERSED)
    p = decide(p, Refund("r1"), PLAIN, NOW).payment
    assert (p.status, p.refunded) == (PaymentStatus.REFUNDED, 10_000)


def test_a_disputed_payment_cannot_be_voided() -> None:
    p = dispute(sale(), D.INQUIRY, 1)
    assert refused(p, Void("v1")) is Violation.NOT_VOIDABLE


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, D.WON),
        (None, D.LOST),
        (None, D.REVERSED),
        (D.INQUIRY, D.INQUIRY),
        (D.INQUIRY, D.REVERSED),
        (D.CHARGEBACK, D.INQUIRY),
        (D.CHARGEBACK, D.CHARGEBACK),
    ],
)
def test_moves_outside_the_dispute_table_are_refused(
    old: DisputeStage | None, new: DisputeStage
) -> None:
    p = sale() if old is None else dispute(sale(), old)
    assert refused(p, AdvanceDispute("d2", new)) is Violation.DISPUTE_STAGE_NOT_ALLOWED


def test_a_closed_dispute_stays_closed_and_another_may_follow() -> None:
    p = dispute(dispute(sale(), D.CHARGEBACK, 2_000), D.LOST)
    assert refused(p, AdvanceDispute("d2", D.WON)) is Violation.DISPUTE_STAGE_NOT_ALLOWED
    p = dispute(p, D.INQUIRY, dispute_id="d2")
    assert [(d.id, d.stage) for d in p.disputes] == [("d1", D.LOST), ("d2", D.INQUIRY)]
    assert p.disputed == 10_000


def test_only_an_escalation_to_chargeback_may_change_the_amount() -> None:
    p = dispute(dispute(sale(), D.INQUIRY, 2_000), D.CHARGEBACK, 2_500)
    assert p.disputed == 2_500
    assert refused(p, AdvanceDispute("", D.LOST, 3_000)) is Violation.INVALID_AMOUNT


@pytest.mark.parametrize("intent", [Intent.AUTH, Intent.CREDIT])
def test_money_never_captured_or_paid_out_cannot_be_disputed(intent: Intent) -> None:
    p = sale(intent=intent)
    assert refused(p, AdvanceDispute("d1", D.INQUIRY)) is Violation.NOT_DISPUTABLE


def test_a_fully_refunded_payment_has_nothing_to_dispute() -> None:
    p = decide(sale(), Refund("r1"), PLAIN, NOW).payment
    assert refused(p, AdvanceDispute("d1", D.CHARGEBACK)) is Violation.NOT_DISPUTABLE


def test_where_captures_settle_daily_a_dispute_waits_for_settlement_on_the_tenant_clock() -> None:
    p = sale(policy=DAILY)
    late_evening = NOW.replace(hour=23, minute=59)
    assert refused(p, AdvanceDispute("d1", D.INQUIRY), DAILY, late_evening) is (
        Violation.NOT_DISPUTABLE
    )
    next_day = NOW + timedelta(days=1)
    p = dispute(p, D.INQUIRY, policy=DAILY, now=next_day)
    assert (p.status, p.disputes[0].opened_at) == (PaymentStatus.SETTLED, next_day)


def test_captures_after_a_dispute_raise_what_may_be_disputed() -> None:
    multi = Policy(multiple_captures=True)
    opened = decide(None, Open("p1", "t", "x", "o", "EUR", 10_000, Intent.AUTH), multi, NOW)
    p = decide(opened.payment, Start("op-1"), multi, NOW).payment
    p = decide(p, Capture("c1", 4_000, final=False), multi, NOW).payment
    p = dispute(p, D.CHARGEBACK, policy=multi)
    assert p.disputed == 4_000
    p = decide(p, Capture("c2", 6_000), multi, NOW).payment
    assert refused(p, AdvanceDispute("", D.LOST, 10_000), multi) is Violation.INVALID_AMOUNT
    assert (p.captured, p.disputed) == (10_000, 4_000)
