"""One refund per payment, and voids that cancel all of what they target: policy data and the
engine's rules, one behaviour per test."""

from __future__ import annotations

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
    Violation,
    Void,
    decide,
    declined,
    pending,
)
from psp_sandbox.simulator.engine.outcome import APPROVED
from tests.engine.test_decide import NOW
from tests.engine.test_decide import paid as approved

ONE_REFUND = Policy(multiple_refunds=False)
S = PaymentStatus


def paid(
    intent: Intent = Intent.SALE, amount: int = 10_000, policy: Policy = ONE_REFUND
) -> Payment:
    return approved(intent, amount, policy)


def refused(payment: Payment, command: object, policy: Policy = ONE_REFUND) -> Violation:
    with pytest.raises(RuleViolation) as raised:
        decide(payment, command, policy, NOW)  # type: ignore[arg-type]
    return raised.value.code


# --- one refund per payment -----------------------------------------------------------------


def test_with_one_refund_per_payment_a_second_partial_refund_is_refused() -> None:
    p = decide(paid(), Refund("r1", 4_000), ONE_REFUND, NOW).payment
    assert (p.status, p.refunded) == (S.PARTIALLY_REFUNDED, 4_000)
    assert refused(p, Refund("r2", 1_000)) is Violation.MULTIPLE_REFUNDS_NOT_ALLOWED


def test_after_a_full_refund_the_one_refund_rule_is_the_reason_given() -> None:
    p = decide(paid(), Refund("r1"), ONE_REFUND, NOW).payment
    assert p.status is S.REFUNDED
    assert refused(p, Refund("r2", 1)) is Violation.MULTIPLE_REFUNDS_NOT_ALLOWED


def test_a_refund_in_flight_uses_up_the_one_refund() -> None:
    p = decide(paid(), Refund("r1", 100, outcome=pending(APPROVED, 60)), ONE_REFUND, NOW).payment
    assert refused(p, Refund("r2", 100)) is Violation.MULTIPLE_REFUNDS_NOT_ALLOWED


def test_a_declined_refund_leaves_the_one_refund_to_use() -> None:
    p = decide(paid(), Refund("r1", 100, outcome=declined()), ONE_REFUND, NOW).payment
    assert (p.status, p.refunded) == (S.CAPTURED, 0)
    p = decide(p, Refund("r2", 100), ONE_REFUND, NOW).payment
    assert (p.status, p.refunded) == (S.PARTIALLY_REFUNDED, 100)


def test_the_one_refund_may_not_exceed_what_was_captured() -> None:
    p = decide(paid(Intent.AUTH), Capture("c1", 3_000), ONE_REFUND, NOW).payment
    assert refused(p, Refund("r1", 3_001)) is Violation.REFUND_EXCEEDS_CAPTURED
    assert decide(p, Refund("r1", 3_000), ONE_REFUND, NOW).payment.status is S.REFUNDED


def test_repeated_refunds_stay_allowed_where_the_policy_allows_them() -> None:
    policy = Policy(multiple_refunds=True)
    p = decide(paid(policy=policy), Refund("r1", 1_000), policy, NOW).payment
    p = decide(p, Refund("r2", 1_000), policy, NOW).payment
    assert p.refunded == 2_000


# --- voids cancel all of their target -------------------------------------------------------


def test_a_void_naming_the_whole_authorization_cancels_it() -> None:
    p = decide(paid(Intent.AUTH, 5_000), Void("v1", amount=5_000), ONE_REFUND, NOW).payment
    assert (p.status, p.authorized) == (S.VOIDED, 0)


def test_a_void_of_part_of_an_authorization_is_refused_as_partial() -> None:
    p = paid(Intent.AUTH, 5_000)
    assert refused(p, Void("v1", amount=4_999)) is Violation.PARTIAL_VOID_NOT_ALLOWED
    assert p.status is S.AUTHORIZED


def test_a_void_of_more_than_the_authorization_is_refused() -> None:
    assert refused(paid(Intent.AUTH, 5_000), Void("v1", amount=5_001)) is (
        Violation.VOID_EXCEEDS_AMOUNT
    )


def test_a_void_naming_no_amount_or_a_non_positive_one() -> None:
    p = paid(Intent.AUTH, 5_000)
    assert refused(p, Void("v1", amount=0)) is Violation.INVALID_AMOUNT
    assert decide(p, Void("v1"), ONE_REFUND, NOW).payment.status is S.VOIDED


def test_a_partly_captured_authorization_is_no_longer_voidable() -> None:
    policy = Policy(multiple_refunds=False, multiple_captures=True)
    p = decide(paid(Intent.AUTH, 5_000, policy), Capture("c1", 1_000, final=False), policy, NOW)
    assert refused(p.payment, Void("v1", amount=4_000), policy) is Violation.NOT_VOIDABLE


def test_a_void_of_a_capture_must_name_that_capture_s_amount() -> None:
    policy = Policy(voidable=frozenset({OperationKind.CAPTURE}), void_reopens_authorization=True)
    p = decide(paid(Intent.AUTH, 5_000, policy), Capture("c1", 2_000), policy, NOW).payment
    whole = Void("v1", target_id="c1", amount=2_000)
    part = Void("v1", target_id="c1", amount=1_000)
    assert refused(p, part, policy) is Violation.PARTIAL_VOID_NOT_ALLOWED
    assert decide(p, whole, policy, NOW).payment.status is S.AUTHORIZED
