"""Named rules of the engine, one behaviour per test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine import (
    AdjustAuthorization,
    Cancel,
    CancelOrder,
    Capture,
    Execute,
    Intent,
    Open,
    OperationKind,
    OperationStatus,
    OperationUpdated,
    Payment,
    PaymentStatus,
    Policy,
    Reason,
    Refund,
    Register,
    Resolve,
    RuleViolation,
    Start,
    Tick,
    Violation,
    Void,
    cancelled,
    decide,
    declined,
    failed,
    pending,
)
from psp_sandbox.simulator.engine.outcome import APPROVED, CHALLENGE

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
PLAIN = Policy()
S = PaymentStatus


def paid(
    intent: Intent = Intent.SALE,
    amount: int = 10_000,
    policy: Policy = PLAIN,
    outcome=APPROVED,
    now: datetime = NOW,
) -> Payment:
    opened = decide(None, Open("p1", "t", "x", "order-1", "EUR", amount, intent), policy, now)
    return decide(opened.payment, Start("op-1", outcome), policy, now).payment


def test_opening_an_existing_reference_is_refused() -> None:
    existing = paid()
    with pytest.raises(RuleViolation) as raised:
        decide(existing, Open("p2", "t", "x", "order-1", "EUR", 1, Intent.SALE), PLAIN, NOW)
    assert raised.value.code is Violation.DUPLICATE_REFERENCE


def test_partial_refunds_cannot_exceed_captured_amount() -> None:
    p = paid(amount=10_000)
    p = decide(p, Refund("r1", 6_000), PLAIN, NOW).payment
    assert (p.status, p.refunded) == (S.PARTIALLY_REFUNDED, 6_000)
    with pytest.raises(RuleViolation) as raised:
        decide(p, Refund("r2", 4_001), PLAIN, NOW)
    assert raised.value.code is Violation.REFUND_EXCEEDS_CAPTURED
    p = decide(p, Refund("r3", 4_000), PLAIN, NOW).payment
    assert (p.status, p.refunded) == (S.REFUNDED, 10_000)


def test_refund_in_another_currency_is_refused() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(paid(), Refund("r1", 100, "USD"), PLAIN, NOW)
    assert raised.value.code is Violation.CURRENCY_MISMATCH


def test_an_authorization_is_not_refundable_before_capture() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(paid(Intent.AUTH), Refund("r1", 100), PLAIN, NOW)
    assert raised.value.code is Violation.NOT_REFUNDABLE


def test_capture_without_amount_takes_everything_authorized() -> None:
    p = decide(paid(Intent.AUTH, 5_000), Capture("c1"), PLAIN, NOW).payment
    assert (p.status, p.authorized, p.captured, p.capture_open) == (S.CAPTURED, 5_000, 5_000, False)


def test_a_single_capture_policy_closes_the_authorization_after_a_partial_capture() -> None:
    p = decide(paid(Intent.AUTH, 5_000), Capture("c1", 2_000, final=False), PLAIN, NOW).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Capture("c2", 1_000), PLAIN, NOW)
    assert raised.value.code is Violation.NOT_CAPTURABLE


def test_split_shipments_capture_until_the_final_one() -> None:
    policy = Policy(multiple_captures=True)
    p = paid(Intent.AUTH, 5_000, policy)
    p = decide(p, Capture("c1", 2_000, final=False), policy, NOW).payment
    assert p.capture_open
    p = decide(p, Capture("c2", 1_000, final=True), policy, NOW).payment
    assert (p.captured, p.capture_open) == (3_000, False)


def test_voiding_a_capture_reopens_the_authorization_where_the_policy_says_so() -> None:
    policy = Policy(voidable=frozenset({OperationKind.CAPTURE}), void_reopens_authorization=True)
    p = decide(paid(Intent.AUTH, 5_000, policy), Capture("c1", 5_000), policy, NOW).payment
    p = decide(p, Void("v1", target_id="c1"), policy, NOW).payment
    assert (p.status, p.captured, p.capture_open) == (S.AUTHORIZED, 0, True)
    assert p.operation("c1").status is OperationStatus.VOIDED


def test_void_is_refused_after_the_day_of_the_operation_with_same_day_policy() -> None:
    policy = Policy(voidable=frozenset({OperationKind.SALE}), void_same_day_only=True)
    p = paid(policy=policy)
    assert decide(p, Void("v1"), policy, NOW + timedelta(hours=13)).payment.status is S.VOIDED
    with pytest.raises(RuleViolation) as raised:
        decide(p, Void("v1"), policy, NOW + timedelta(hours=14))
    assert raised.value.code is Violation.VOID_WINDOW_CLOSED


def test_the_same_day_rule_spares_the_kinds_the_policy_names() -> None:
    policy = Policy(
        voidable=frozenset({OperationKind.AUTH, OperationKind.CAPTURE}),
        void_same_day_only=True,
        void_any_day=frozenset({OperationKind.AUTH}),
        multiple_captures=True,
        void_reopens_authorization=True,
    )
    p = paid(Intent.AUTH, 5_000, policy)
    p = decide(p, Capture("c1", 1_000, final=False), policy, NOW).payment
    next_day = NOW + timedelta(days=1)
    with pytest.raises(RuleViolation) as raised:
        decide(p, Void("v1", target_id="c1"), policy, next_day)
    assert raised.value.code is Violation.VOID_WINDOW_CLOSED
    fresh = paid(Intent.AUTH, 5_000, policy)
    assert decide(fresh, Void("v1"), policy, next_day).payment.status is S.VOIDED


def test_a_waiting_payment_can_turn_into_a_challenge_and_wait_again_before_its_result() -> None:
    """Two-step authentication: pending (device data), challenge, pending (the merchant's
    final call), then the result — each step a Resolve of the same primary operation."""
    p = paid(outcome=pending(declined(Reason.AUTHENTICATION_ABANDONED), 600))
    p = decide(p, Resolve("op-1", CHALLENGE), PLAIN, NOW).payment
    assert (p.status, p.due_at) == (S.ACTION_REQUIRED, None)
    p = decide(p, Resolve("op-1", pending(failed(), 1_800)), PLAIN, NOW).payment
    assert (p.status, p.due_at) == (S.PENDING, NOW + timedelta(seconds=1_800))
    p = decide(p, Resolve("op-1", APPROVED), PLAIN, NOW + timedelta(seconds=60)).payment
    assert (p.status, p.captured, p.due_at) == (S.CAPTURED, 10_000, None)
    assert [c.new for c in p.history] == [
        S.CREATED,
        S.PENDING,
        S.ACTION_REQUIRED,
        S.PENDING,
        S.CAPTURED,
    ]


def test_void_of_a_captured_authorization_is_refused() -> None:
    p = decide(paid(Intent.AUTH), Capture("c1"), PLAIN, NOW).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Void("v1"), PLAIN, NOW)
    assert raised.value.code is Violation.NOT_VOIDABLE


def test_a_voided_payment_never_captures_or_refunds() -> None:
    p = decide(paid(Intent.AUTH), Void("v1"), PLAIN, NOW).payment
    assert (p.status, p.authorized) == (S.VOIDED, 0)
    for command in (Capture("c1"), Refund("r1", 1)):
        with pytest.raises(RuleViolation):
            decide(p, command, PLAIN, NOW)


def test_an_unpaid_order_expires_after_the_policy_ttl() -> None:
    policy = Policy(order_ttl_seconds=3600)
    p = decide(None, Open("p1", "t", "x", "o", "EUR", 100, Intent.SALE), policy, NOW).payment
    assert p.due_at == NOW + timedelta(hours=1)
    later = NOW + timedelta(hours=1)
    with pytest.raises(RuleViolation) as raised:
        decide(p, Start("op"), policy, later)
    assert raised.value.code is Violation.ORDER_EXPIRED
    assert decide(p, Tick(), policy, later).payment.status is S.EXPIRED


def test_an_order_is_processed_at_most_once() -> None:
    with pytest.raises(RuleViolation) as raised:
        decide(paid(outcome=declined()), Start("op-2"), PLAIN, NOW)
    assert raised.value.code is Violation.ORDER_ALREADY_PROCESSED


def test_a_pending_payment_resolves_when_its_time_comes() -> None:
    p = paid(outcome=pending(APPROVED, 5))
    assert (p.status, p.due_at) == (S.PENDING, NOW + timedelta(seconds=5))
    assert decide(p, Tick(), PLAIN, NOW + timedelta(seconds=4)).payment.status is S.PENDING
    done = decide(p, Tick(), PLAIN, NOW + timedelta(seconds=5))
    assert done.payment.status is S.CAPTURED
    assert done.payment.due_at is None
    assert OperationUpdated("p1", "op-1", OperationKind.SALE, OperationStatus.SUCCEEDED) in (
        done.events
    )


def test_a_challenge_is_finished_by_resolve_and_only_once() -> None:
    p = paid(outcome=CHALLENGE)
    assert p.status is S.ACTION_REQUIRED
    p = decide(p, Resolve("op-1", declined(Reason.AUTHENTICATION_FAILED)), PLAIN, NOW).payment
    assert p.status is S.DECLINED
    assert p.primary.reason == "authentication_failed"
    with pytest.raises(RuleViolation) as raised:
        decide(p, Resolve("op-1", APPROVED), PLAIN, NOW)
    assert raised.value.code is Violation.NOT_PENDING


def test_pending_refunds_reserve_their_amount() -> None:
    p = decide(
        paid(amount=1_000), Refund("r1", 800, outcome=pending(APPROVED, 60)), PLAIN, NOW
    ).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Refund("r2", 201), PLAIN, NOW)
    assert raised.value.code is Violation.REFUND_EXCEEDS_CAPTURED


def test_a_refund_waits_until_no_capture_is_in_flight() -> None:
    policy = Policy(multiple_captures=True)
    p = decide(paid(Intent.AUTH, 100, policy), Capture("c1", 1, final=False), policy, NOW).payment
    p = decide(p, Capture("c2", 50, final=False, outcome=pending(APPROVED, 1)), policy, NOW).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Refund("r1"), policy, NOW)
    assert raised.value.code is Violation.NOT_REFUNDABLE


def test_a_capture_waits_until_no_refund_is_in_flight() -> None:
    policy = Policy(multiple_captures=True)
    p = decide(paid(Intent.AUTH, 100, policy), Capture("c1", 1, final=False), policy, NOW).payment
    p = decide(p, Refund("r1", outcome=pending(APPROVED, 1)), policy, NOW).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Capture("c2", 50, outcome=pending(APPROVED, 1)), policy, NOW)
    assert raised.value.code is Violation.NOT_CAPTURABLE
    later = decide(p, Tick(), policy, NOW + timedelta(seconds=1)).payment
    assert (later.status, later.refunded) == (S.REFUNDED, 1)


def test_pending_results_apply_in_the_order_they_fall_due() -> None:
    policy = Policy(multiple_captures=True)
    p = paid(Intent.AUTH, 100, policy)
    p = decide(
        p, Capture("c1", 10, final=False, outcome=pending(APPROVED, 60)), policy, NOW
    ).payment
    p = decide(p, Capture("c2", 10, final=True, outcome=pending(APPROVED, 30)), policy, NOW).payment
    later = decide(p, Tick(), policy, NOW + timedelta(seconds=60)).payment
    # c2 (final) arrived first, then c1 (not final) left the authorization open.
    assert (later.captured, later.capture_open) == (20, True)


def test_captures_settle_at_the_next_utc_midnight() -> None:
    policy = Policy(settles_daily=True)
    p = paid(policy=policy)
    midnight = datetime(2026, 5, 5, tzinfo=UTC)
    assert p.due_at == midnight
    assert decide(p, Tick(), policy, midnight).payment.status is S.SETTLED


def test_incremental_authorization_raises_and_lowers_the_hold() -> None:
    policy = Policy(incremental_authorization=True)
    p = paid(Intent.AUTH, 1_000, policy)
    p = decide(p, AdjustAuthorization("a1", 500), policy, NOW).payment
    p = decide(p, AdjustAuthorization("a2", -300), policy, NOW).payment
    assert p.authorized == 1_200
    with pytest.raises(RuleViolation) as raised:
        decide(p, AdjustAuthorization("a3", -1_200), policy, NOW)
    assert raised.value.code is Violation.INVALID_AMOUNT


def test_a_declined_capture_changes_nothing_but_its_own_record() -> None:
    p = paid(Intent.AUTH)
    after = decide(p, Capture("c1", outcome=declined()), PLAIN, NOW).payment
    assert (after.status, after.captured) == (S.AUTHORIZED, 0)
    assert after.operation("c1").status is OperationStatus.DECLINED


def test_a_refund_after_everything_is_refunded_exceeds_the_captured_amount() -> None:
    p = decide(paid(amount=500), Refund("r1"), PLAIN, NOW).payment
    with pytest.raises(RuleViolation) as raised:
        decide(p, Refund("r2", 1), PLAIN, NOW)
    assert raised.value.code is Violation.REFUND_EXCEEDS_CAPTURED


def test_a_verification_checks_the_card_and_holds_nothing() -> None:
    p = paid(Intent.VERIFY, amount=100)
    assert (p.status, p.authorized, p.captured) == (S.VERIFIED, 0, 0)
    assert p.primary is not None and p.primary.kind is OperationKind.VERIFICATION
    for command, code in (
        (Capture("c1", 100), Violation.NOT_CAPTURABLE),
        (Refund("r1", 100), Violation.NOT_REFUNDABLE),
        (Void("v1"), Violation.NOT_VOIDABLE),
    ):
        with pytest.raises(RuleViolation) as raised:
            decide(p, command, Policy(voidable=frozenset({OperationKind.AUTH})), NOW)
        assert raised.value.code is code


def test_a_declined_verification_is_declined() -> None:
    p = paid(Intent.VERIFY, outcome=declined(Reason.EXPIRED_CARD))
    assert (p.status, p.primary and p.primary.reason) == (S.DECLINED, "expired_card")


def test_where_refunds_wait_a_day_they_are_refused_on_the_day_of_payment() -> None:
    policy = Policy(refund_next_day_only=True)
    p = paid(policy=policy)
    evening = NOW.replace(hour=23, minute=59)
    with pytest.raises(RuleViolation) as raised:
        decide(p, Refund("r1", 100), policy, evening)
    assert raised.value.code is Violation.REFUND_WINDOW_NOT_OPEN
    refunded = decide(p, Refund("r1", 100), policy, NOW + timedelta(days=1)).payment
    assert refunded.refunded == 100


def test_an_unpaid_order_can_be_cancelled_and_then_never_paid() -> None:
    opened = decide(None, Open("p1", "t", "x", "o", "EUR", 100, Intent.SALE), PLAIN, NOW).payment
    cancelled = decide(opened, CancelOrder(), PLAIN, NOW).payment
    assert cancelled.status is S.CANCELLED
    for command in (Start("op-1"), CancelOrder()):
        with pytest.raises(RuleViolation) as raised:
            decide(cancelled, command, PLAIN, NOW)
        assert raised.value.code is Violation.ORDER_ALREADY_PROCESSED
    with pytest.raises(RuleViolation):
        decide(paid(), CancelOrder(), PLAIN, NOW)


def test_an_order_may_carry_its_own_lifetime() -> None:
    lapse = NOW + timedelta(minutes=5)
    opened = decide(
        None, Open("p1", "t", "x", "o", "EUR", 100, Intent.SALE, expires_at=lapse), PLAIN, NOW
    ).payment
    assert (opened.expires_at, opened.due_at) == (lapse, lapse)
    later = decide(opened, Tick(), PLAIN, lapse).payment
    assert later.status is S.EXPIRED


# --- registered operations (card-present sessions) -------------------------------------------

SESSIONS = Policy(order_ttl_seconds=900, exact_registered_refunds=True, voidable=frozenset())


def registered(amount: int = 10_000, policy: Policy = SESSIONS) -> Payment:
    """An order whose sale waits, registered as ``op-1``, for a card to be presented."""
    opened = decide(None, Open("p1", "t", "x", "o", "EUR", amount, Intent.SALE), policy, NOW)
    return decide(opened.payment, Register("op-1", OperationKind.SALE), policy, NOW).payment


def refused(payment: Payment, command: object, policy: Policy = SESSIONS, at: datetime = NOW):
    with pytest.raises(RuleViolation) as raised:
        decide(payment, command, policy, at)  # type: ignore[arg-type]
    return raised.value.code


def test_a_registered_sale_holds_the_order_until_it_is_executed_once() -> None:
    p = registered()
    op = p.operation("op-1")
    assert (p.status, op.status, op.amount) == (S.CREATED, OperationStatus.REGISTERED, 10_000)
    assert refused(p, Start("op-2")) is Violation.ORDER_ALREADY_PROCESSED
    assert refused(p, Resolve("op-1", APPROVED)) is Violation.NOT_PENDING
    done = decide(p, Execute("op-1", APPROVED, {"entry": "contact"}), SESSIONS, NOW).payment
    assert (done.status, done.captured) == (S.CAPTURED, 10_000)
    assert done.operation("op-1").details == {"entry": "contact"}
    assert refused(done, Execute("op-1", APPROVED)) is Violation.ORDER_ALREADY_PROCESSED


def test_a_registered_operation_lapses_unexecuted_at_the_end_of_the_ttl() -> None:
    p = registered()
    assert p.due_at == NOW + timedelta(seconds=900)
    just_before = NOW + timedelta(seconds=899)
    assert decide(p, Tick(), SESSIONS, just_before).payment.status is S.CREATED
    lapsed = decide(p, Tick(), SESSIONS, NOW + timedelta(seconds=900)).payment
    op = lapsed.operation("op-1")
    assert (lapsed.status, op.status, op.reason) == (
        S.EXPIRED,
        OperationStatus.EXPIRED,
        Reason.SESSION_EXPIRED.value,
    )
    assert lapsed.due_at is None
    late = NOW + timedelta(seconds=901)
    assert refused(p, Execute("op-1"), at=late) is Violation.ORDER_EXPIRED
    assert refused(lapsed, Cancel("op-1"), at=late) is Violation.NOT_CANCELLABLE


def test_only_an_operation_nobody_executed_yet_can_be_cancelled() -> None:
    p = decide(registered(), Cancel("op-1"), SESSIONS, NOW).payment
    op = p.operation("op-1")
    assert (p.status, op.status, op.reason) == (
        S.CANCELLED,
        OperationStatus.CANCELLED,
        Reason.CANCELLED_BY_MERCHANT.value,
    )
    assert refused(p, Execute("op-1")) is Violation.ORDER_ALREADY_PROCESSED
    waiting = decide(registered(), Execute("op-1", CHALLENGE), SESSIONS, NOW).payment
    assert waiting.status is S.ACTION_REQUIRED
    assert refused(waiting, Cancel("op-1")) is Violation.NOT_CANCELLABLE


def test_the_cardholder_may_end_an_execution_that_waits_for_verification() -> None:
    waiting = decide(registered(), Execute("op-1", CHALLENGE), SESSIONS, NOW).payment
    ended = decide(waiting, Resolve("op-1", cancelled(Reason.CARD_REMOVED)), SESSIONS, NOW)
    assert (ended.payment.status, ended.payment.captured) == (S.CANCELLED, 0)
    assert ended.operation is not None and ended.operation.reason == "card_removed"


def test_a_registered_refund_reserves_its_amount_until_it_lapses() -> None:
    p = decide(registered(), Execute("op-1"), SESSIONS, NOW).payment
    p = decide(
        p, Register("r1", OperationKind.REFUND, 10_000, "EUR", "op-1"), SESSIONS, NOW
    ).payment
    assert p.operation("r1").status is OperationStatus.REGISTERED
    assert (p.status, p.refunded, p.in_flight(OperationKind.REFUND)) == (S.CAPTURED, 0, 10_000)
    assert refused(p, Refund("r2", 1)) is Violation.REFUND_EXCEEDS_CAPTURED
    later = NOW + timedelta(seconds=900)
    lapsed = decide(p, Tick(), SESSIONS, later).payment
    assert lapsed.operation("r1").status is OperationStatus.EXPIRED
    assert (lapsed.status, lapsed.in_flight(OperationKind.REFUND)) == (S.CAPTURED, 0)
    assert decide(lapsed, Refund("r2", 1), SESSIONS, later).payment.refunded == 1


def test_an_executed_refund_moves_the_money_a_cancelled_one_releases_it() -> None:
    p = decide(registered(), Execute("op-1"), SESSIONS, NOW).payment
    p = decide(p, Register("r1", OperationKind.REFUND, target_id="op-1"), SESSIONS, NOW).payment
    assert decide(p, Execute("r1"), SESSIONS, NOW).payment.status is S.REFUNDED
    released = decide(p, Cancel("r1"), SESSIONS, NOW).payment
    assert (released.status, released.in_flight(OperationKind.REFUND)) == (S.CAPTURED, 0)


def test_registered_refunds_return_exactly_the_captured_amount_where_the_policy_says_so() -> None:
    p = decide(registered(), Execute("op-1"), SESSIONS, NOW).payment
    short = Register("r1", OperationKind.REFUND, 9_999, "EUR", "op-1")
    assert refused(p, short) is Violation.PARTIAL_REFUND_NOT_ALLOWED
    assert refused(p, replace_amount(short, 10_001)) is Violation.REFUND_EXCEEDS_CAPTURED
    assert refused(p, replace_amount(short, 10_000, "USD")) is Violation.CURRENCY_MISMATCH
    # A refund made at once may still be partial; afterwards no exact refund fits any more.
    p = decide(p, Refund("r2", 3_000), SESSIONS, NOW).payment
    assert refused(p, replace_amount(short, 7_000)) is Violation.PARTIAL_REFUND_NOT_ALLOWED
    assert refused(p, replace_amount(short, 10_000)) is Violation.REFUND_EXCEEDS_CAPTURED
    lenient = Policy(order_ttl_seconds=900)
    assert (
        decide(p, replace_amount(short, 7_000), lenient, NOW).payment.in_flight(
            OperationKind.REFUND
        )
        == 7_000
    )


def test_a_refund_is_registered_only_for_a_refundable_payment() -> None:
    refund = Register("r1", OperationKind.REFUND, 10_000, "EUR")
    assert refused(registered(), refund) is Violation.NOT_REFUNDABLE
    declined_sale = decide(registered(), Execute("op-1", declined()), SESSIONS, NOW).payment
    assert refused(declined_sale, refund) is Violation.NOT_REFUNDABLE


def replace_amount(command: Register, amount: int, currency: str = "EUR") -> Register:
    return Register(command.operation_id, command.kind, amount, currency, command.target_id)
