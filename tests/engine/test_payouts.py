"""Payouts (credits): money paid out to a card is one operation of its own, never captured,
refunded or voided unless the policy names it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import (
    Capture,
    Intent,
    OperationKind,
    Payment,
    PaymentStatus,
    Policy,
    Refund,
    RuleViolation,
    Tick,
    Violation,
    Void,
    decide,
    declined,
    pending,
)
from psp_sandbox.simulator.engine.outcome import APPROVED, Outcome
from tests.engine.test_decide import NOW, paid

POLICY = Policy(multiple_refunds=False, settles_daily=True)
S = PaymentStatus


def payout(outcome: Outcome = APPROVED, policy: Policy = POLICY) -> Payment:
    return paid(Intent.CREDIT, 2_500, policy, outcome)


def test_an_approved_payout_has_moved_its_whole_amount() -> None:
    p = payout()
    assert (p.status, p.authorized, p.captured) == (S.CAPTURED, 2_500, 2_500)
    assert p.primary is not None and p.primary.kind is OperationKind.CREDIT


def test_a_payout_is_never_refunded() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(payout(), Refund("r1", 100), POLICY, NOW)
    assert raised.value.code is Violation.NOT_REFUNDABLE


def test_a_payout_is_never_captured() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(payout(), Capture("c1"), POLICY, NOW)
    assert raised.value.code is Violation.NOT_CAPTURABLE


def test_a_payout_is_voided_only_where_the_policy_names_credits() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(payout(), Void("v1"), POLICY, NOW)
    assert raised.value.code is Violation.NOT_VOIDABLE
    policy = Policy(voidable=frozenset({OperationKind.CREDIT}))
    assert decide(payout(policy=policy), Void("v1"), policy, NOW).payment.status is S.VOIDED


def test_a_pending_payout_completes_on_the_clock_and_then_settles() -> None:
    p = payout(pending(APPROVED, 30))
    assert (p.status, p.captured) == (S.PENDING, 0)
    p = decide(p, Tick(), POLICY, NOW + timedelta(seconds=30)).payment
    assert (p.status, p.captured) == (S.CAPTURED, 2_500)
    midnight = datetime(2026, 5, 5, tzinfo=UTC)
    assert decide(p, Tick(), POLICY, midnight).payment.status is S.SETTLED


def test_a_declined_payout_moves_no_money() -> None:
    p = payout(declined())
    assert (p.status, p.authorized, p.captured) == (S.DECLINED, 0, 0)
