"""The engine against a simple model of the payment rules, under random commands and policies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from psp_sandbox.simulator.engine import (
    DISPUTE_MOVES,
    AdjustAuthorization,
    AdvanceDispute,
    Cancel,
    CancelOrder,
    Capture,
    DisputeStage,
    Execute,
    Intent,
    Open,
    OperationKind,
    Outcome,
    Payment,
    PaymentStatus,
    Policy,
    Reason,
    Refund,
    Register,
    Resolve,
    Result,
    RuleViolation,
    Start,
    Tick,
    Void,
    WakeAt,
    Woken,
    cancelled,
    check_invariants,
    decide,
    declined,
    failed,
    is_legal,
    pending,
)
from psp_sandbox.simulator.engine.outcome import APPROVED, CHALLENGE
from psp_sandbox.simulator.engine.payment import PRIMARY_KIND_OF

S = PaymentStatus
D = DisputeStage
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

final_outcomes = st.sampled_from([APPROVED, APPROVED, APPROVED, declined(), failed()])
#: Mostly approvals, so that the interesting secondary operations get their turn.
primary_outcomes = st.one_of(
    st.sampled_from([APPROVED] * 6 + [declined(), failed(), CHALLENGE]),
    st.sampled_from([APPROVED] * 6 + [declined(), failed(), CHALLENGE]),
    st.builds(pending, final_outcomes, st.integers(1, 7200)),
)
secondary_outcomes = st.one_of(
    final_outcomes, st.builds(pending, final_outcomes, st.integers(1, 600))
)
rarely = st.sampled_from([False, False, False, False, True])

#: A share of what is still open, in percent: mostly inside the limit, sometimes past it.
shares = st.one_of(st.none(), st.just(100), st.integers(1, 99), st.integers(-10, 130))


def share_of(remaining: int, percent: int | None) -> int | None:
    return None if percent is None else max(remaining, 1) * percent // 100


policies = st.builds(
    Policy,
    partial_capture=st.booleans(),
    multiple_captures=st.booleans(),
    partial_refund=st.booleans(),
    multiple_refunds=st.booleans(),
    voidable=st.frozensets(
        st.sampled_from(
            [OperationKind.AUTH, OperationKind.SALE, OperationKind.CAPTURE, OperationKind.CREDIT]
        )
    ),
    void_same_day_only=st.booleans(),
    void_any_day=st.frozensets(st.sampled_from([OperationKind.AUTH, OperationKind.CAPTURE])),
    void_reopens_authorization=st.booleans(),
    incremental_authorization=st.booleans(),
    order_ttl_seconds=st.one_of(st.none(), st.integers(60, 7200)),
    settles_daily=st.booleans(),
    exact_registered_refunds=st.booleans(),
    refund_next_day_only=st.booleans(),
)


@dataclass
class PendingOp:
    id: str
    kind: str
    amount: int
    due: datetime
    then: Outcome
    final: bool = True


@dataclass
class ModelDispute:
    stage: DisputeStage
    amount: int


@dataclass
class RegisteredOp:
    """An operation waiting to be executed (a card-present session)."""

    id: str
    kind: str
    amount: int
    lapses_at: datetime | None


@dataclass
class Model:
    """What the documented rules say the payment should look like."""

    policy: Policy
    intent: Intent
    amount: int
    currency: str = "EUR"
    status: PaymentStatus = S.CREATED
    authorized: int = 0
    captured: int = 0
    refunded: int = 0
    capture_open: bool = False
    expires_at: datetime | None = None
    pending: list[PendingOp] = field(default_factory=list)
    challenge: str | None = None
    #: succeeded operations that a void may still target: id -> (kind, amount, at)
    live: dict[str, tuple[str, int, datetime]] = field(default_factory=dict)
    refunds: int = 0
    last_money_at: datetime | None = None
    registered: list[RegisteredOp] = field(default_factory=list)
    #: Whether the primary operation exists (started, or registered to run later).
    has_primary: bool = False
    disputes: list[ModelDispute] = field(default_factory=list)
    wake_at: datetime | None = None

    @property
    def disputed(self) -> int:
        held = (D.INQUIRY, D.CHARGEBACK, D.LOST)
        return sum(d.amount for d in self.disputes if d.stage in held)

    @property
    def open_dispute(self) -> ModelDispute | None:
        return next((d for d in self.disputes if d.stage in (D.INQUIRY, D.CHARGEBACK)), None)

    def last_live_money(self) -> datetime | None:
        """When the newest money movement that still stands was made."""
        moved = [at for kind, _, at in self.live.values() if kind in ("sale", "capture", "credit")]
        return max(moved, default=None)

    def pending_count(self, kind: str) -> int:
        waiting = [*self.pending, *self.registered]
        return sum(1 for p in waiting if p.kind == kind)

    def reserved(self, kind: str) -> int:
        waiting = [*self.pending, *self.registered]
        return sum(p.amount for p in waiting if p.kind == kind)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.payment: Payment | None = None
        self.model: Model | None = None
        self.now = T0
        self.counter = 0

    # --- plumbing ---------------------------------------------------------------------------

    def next_id(self) -> str:
        self.counter += 1
        return f"op-{self.counter}"

    def run(self, command: object, expect_ok: bool) -> None:
        assert self.payment is not None and self.model is not None
        before = self.payment
        try:
            decision = decide(self.payment, command, self.model.policy, self.now)  # type: ignore[arg-type]
        except RuleViolation as violation:
            assert not expect_ok, f"engine refused {command}: {violation}"
            assert self.payment is before  # a refusal changes nothing
            return
        assert expect_ok, f"engine accepted {command}, the model forbids it"
        for change in decision.payment.history[len(before.history) :]:
            assert change.old is not None and is_legal(change.old, change.new)
        self.payment = decision.payment

    def apply_outcome(
        self, op_id: str, kind: str, amount: int, outcome: Outcome, final: bool = True
    ) -> None:
        m = self.model
        assert m is not None
        primary = kind in ("sale", "auth", "credit", "verify")
        if outcome.result is Result.PENDING:
            assert outcome.then is not None
            due = self.now + timedelta(seconds=outcome.delay_seconds)
            m.pending.append(PendingOp(op_id, kind, amount, due, outcome.then, final))
            if primary:
                m.status = S.PENDING
        elif outcome.result is Result.CHALLENGE:
            m.challenge = op_id
            m.status = S.ACTION_REQUIRED
        elif outcome.result is Result.DECLINED:
            if primary:
                m.status = S.DECLINED
        elif outcome.result is Result.FAILED:
            if primary:
                m.status = S.FAILED
        elif outcome.result is Result.CANCELLED:
            if primary:
                m.status = S.CANCELLED
        else:
            self.succeed(op_id, kind, amount, final)

    def succeed(self, op_id: str, kind: str, amount: int, final: bool) -> None:
        m = self.model
        assert m is not None
        if kind in ("sale", "credit"):
            m.authorized = m.captured = amount
            m.status = S.CAPTURED
            m.last_money_at = self.now
        elif kind == "auth":
            m.authorized = amount
            m.status = S.AUTHORIZED
        elif kind == "verify":
            m.status = S.VERIFIED
        elif kind == "capture":
            m.captured += amount
            m.capture_open = m.policy.multiple_captures and not final and m.captured < m.authorized
            m.status = S.CAPTURED
            m.last_money_at = self.now
        elif kind == "refund":
            m.refunds += 1
            m.refunded += amount
            m.capture_open = False
            m.status = S.REFUNDED if m.refunded == m.captured else S.PARTIALLY_REFUNDED
        if kind in ("sale", "auth", "credit", "capture"):
            m.live[op_id] = (kind, amount, self.now)

    def refund_allowed(
        self, percent: int | None, wrong_currency: bool
    ) -> tuple[int | None, int, bool]:
        """The amount a refund asks for (None: all that is left), what that means, and
        whether the rules allow it."""
        m = self.model
        assert m is not None
        remaining = m.captured - m.refunded - m.reserved("refund") - m.disputed
        amount = share_of(remaining, percent)
        want = remaining if amount is None else amount
        last = m.last_live_money()
        ok = (
            m.status in (S.CAPTURED, S.SETTLED, S.PARTIALLY_REFUNDED)
            and m.intent is not Intent.CREDIT
            and (
                not m.policy.refund_next_day_only
                or (last is not None and last.date() < self.now.date())
            )
            and not wrong_currency
            and (m.policy.multiple_refunds or m.refunds + m.pending_count("refund") == 0)
            and m.reserved("capture") == 0
            and 0 < want <= remaining
            and (m.policy.partial_refund or want == remaining)
        )
        return amount, want, ok

    # --- rules ------------------------------------------------------------------------------

    @initialize(
        policy=policies,
        intent=st.sampled_from(
            [Intent.AUTH] * 3 + [Intent.SALE] * 2 + [Intent.CREDIT, Intent.VERIFY]
        ),
        amount=st.sampled_from([100, 1000, 2500, 10_000]) | st.integers(1, 100_000),
        outcome=primary_outcomes,
        deferred=rarely,
        registers=rarely,
    )
    def open_order(
        self,
        policy: Policy,
        intent: Intent,
        amount: int,
        outcome: Outcome,
        deferred: bool,
        registers: bool,
    ) -> None:
        self.model = Model(policy, intent, amount)
        opened = decide(
            None, Open("pay-1", "t", "p", "ref-1", "EUR", amount, intent), policy, self.now
        )
        self.payment = opened.payment
        if policy.order_ttl_seconds is not None:
            self.model.expires_at = self.now + timedelta(seconds=policy.order_ttl_seconds)
        if registers:
            self.register_primary()
        elif not deferred:
            self.start(outcome)

    @rule()
    def cancel_order(self) -> None:
        """The merchant withdraws the order: only while nobody has started paying it."""
        m = self.model
        assert m is not None
        ok = m.status is S.CREATED and not m.has_primary
        self.run(CancelOrder(), ok)
        if ok:
            m.status = S.CANCELLED

    @rule(outcome=primary_outcomes)
    def start(self, outcome: Outcome) -> None:
        m = self.model
        assert m is not None
        ok = m.status is S.CREATED and not m.has_primary
        self.run(Start(self.next_id(), outcome), ok)
        if ok:
            m.has_primary = True
            self.apply_outcome(f"op-{self.counter}", m.intent.value, m.amount, outcome)

    # --- registered operations (card-present sessions) --------------------------------------

    def lapse_time(self) -> datetime | None:
        assert self.model is not None
        ttl = self.model.policy.order_ttl_seconds
        return None if ttl is None else self.now + timedelta(seconds=ttl)

    @rule()
    def register_primary(self) -> None:
        m = self.model
        assert m is not None
        ok = m.status is S.CREATED and not m.has_primary
        op_id = self.next_id()
        self.run(Register(op_id, PRIMARY_KIND_OF[m.intent], currency="EUR"), ok)
        if ok:
            m.has_primary = True
            m.registered.append(RegisteredOp(op_id, m.intent.value, m.amount, self.lapse_time()))

    @rule(percent=shares, wrong_currency=rarely)
    def register_refund(self, percent: int | None, wrong_currency: bool) -> None:
        m = self.model
        assert m is not None
        amount, want, ok = self.refund_allowed(percent, wrong_currency)
        ok = ok and (not m.policy.exact_registered_refunds or want == m.captured)
        op_id = self.next_id()
        currency = "USD" if wrong_currency else "EUR"
        self.run(Register(op_id, OperationKind.REFUND, amount, currency), ok)
        if ok:
            m.registered.append(RegisteredOp(op_id, "refund", want, self.lapse_time()))

    @rule(data=st.data())
    def execute(self, data: st.DataObject) -> None:
        m = self.model
        assert m is not None
        target = data.draw(st.sampled_from([*m.registered, None]))
        if target is None:
            self.run(Execute("op-unknown"), False)
            return
        primary = target.kind != "refund"
        outcome = data.draw(primary_outcomes if primary else secondary_outcomes)
        self.run(Execute(target.id, outcome), True)
        m.registered.remove(target)
        self.apply_outcome(target.id, target.kind, target.amount, outcome)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        m = self.model
        assert m is not None and self.payment is not None
        ids = [r.id for r in m.registered] + [op.id for op in self.payment.operations]
        if not ids:
            return
        op_id = data.draw(st.sampled_from(ids))
        target = next((r for r in m.registered if r.id == op_id), None)
        self.run(Cancel(op_id), target is not None)
        if target is not None:
            m.registered.remove(target)
            if target.kind != "refund":
                m.status = S.CANCELLED

    @rule(
        percent=shares,
        final=st.booleans(),
        outcome=secondary_outcomes,
        wrong_currency=rarely,
    )
    def capture(
        self, percent: int | None, final: bool, outcome: Outcome, wrong_currency: bool
    ) -> None:
        m = self.model
        assert m is not None
        remaining = m.authorized - m.captured - m.reserved("capture")
        amount = share_of(remaining, percent)
        want = remaining if amount is None else amount
        ok = (
            (m.status is S.AUTHORIZED or (m.status is S.CAPTURED and m.capture_open))
            and m.reserved("refund") == 0
            and not wrong_currency
            and want > 0
            and want <= remaining
            and (m.policy.partial_capture or want == remaining)
        )
        currency = "USD" if wrong_currency else "EUR"
        self.run(Capture(self.next_id(), amount, currency, final, outcome), ok)
        if ok:
            final = final or not m.policy.multiple_captures
            self.apply_outcome(f"op-{self.counter}", "capture", want, outcome, final)

    @rule(percent=shares, outcome=secondary_outcomes, wrong_currency=rarely)
    def refund(self, percent: int | None, outcome: Outcome, wrong_currency: bool) -> None:
        m = self.model
        assert m is not None
        amount, want, ok = self.refund_allowed(percent, wrong_currency)
        currency = "USD" if wrong_currency else "EUR"
        self.run(Refund(self.next_id(), amount, currency, outcome=outcome), ok)
        if ok:
            self.apply_outcome(f"op-{self.counter}", "refund", want, outcome)

    @rule(
        data=st.data(),
        outcome=final_outcomes,
        named=st.sampled_from(["nothing", "nothing", "whole", "less", "more"]),
    )
    def void(self, data: st.DataObject, outcome: Outcome, named: str) -> None:
        m = self.model
        assert m is not None and self.payment is not None
        choices = [None, *m.live.keys(), "op-unknown"]
        target = data.draw(st.sampled_from(choices))
        primary = self.payment.primary
        key = primary.id if (target is None and primary) else target
        entry = m.live.get(key) if key else None
        ok = False
        amount: int | None = None
        if entry is not None:
            kind, held, at = entry
            whole = m.authorized if kind == "auth" else held
            amount = {"nothing": None, "whole": whole, "less": whole - 1, "more": whole + 1}[named]
            in_policy = OperationKind(kind) in m.policy.voidable
            same_day = (
                not m.policy.void_same_day_only
                or OperationKind(kind) in m.policy.void_any_day
                or at.date() == self.now.date()
            )
            no_refunds = m.refunded == 0 and m.reserved("refund") == 0 and not m.disputes
            if kind == "auth":
                state_ok = m.status is S.AUTHORIZED and m.reserved("capture") == 0
            elif kind == "capture":
                state_ok = (
                    m.policy.void_reopens_authorization and m.status is S.CAPTURED and no_refunds
                )
            else:
                state_ok = m.status is S.CAPTURED and no_refunds
            # A void cancels all of its target: an amount it names must be exactly that.
            ok = in_policy and same_day and state_ok and amount in (None, whole)
        self.run(Void(self.next_id(), target, "EUR", outcome, amount=amount), ok)
        if ok and outcome.result is Result.APPROVED:
            assert key is not None and entry is not None
            kind, amount, _at = m.live.pop(key)
            if kind == "capture":
                m.captured -= amount
                m.capture_open = True
                m.status = S.AUTHORIZED if m.captured == 0 else S.CAPTURED
            else:
                m.authorized = m.captured = 0
                m.capture_open = False
                m.status = S.VOIDED
                m.live.clear()

    @rule(percent=st.integers(-120, 100), outcome=final_outcomes)
    def adjust(self, percent: int, outcome: Outcome) -> None:
        m = self.model
        assert m is not None
        delta = m.authorized * percent // 100
        new_total = m.authorized + delta
        ok = (
            m.policy.incremental_authorization
            and (m.status is S.AUTHORIZED or (m.status is S.CAPTURED and m.capture_open))
            and delta != 0
            and new_total > 0
            and new_total >= m.captured + m.reserved("capture")
        )
        self.run(AdjustAuthorization(self.next_id(), delta, "EUR", outcome), ok)
        if ok and outcome.result is Result.APPROVED:
            m.authorized = new_total

    @rule(stage=st.sampled_from(list(DisputeStage)), percent=shares)
    def dispute(self, stage: DisputeStage, percent: int | None) -> None:
        """The cardholder's bank opens a dispute, or moves the open one — in any state."""
        self.advance_dispute(stage, percent)

    @precondition(
        lambda self: (
            self.model is not None
            and self.model.status in (S.CAPTURED, S.SETTLED, S.PARTIALLY_REFUNDED, S.REFUNDED)
        )
    )
    @rule(data=st.data(), percent=shares)
    def dispute_captured_money(self, data: st.DataObject, percent: int | None) -> None:
        """Mostly legal moves, where disputes matter: captured money."""
        m = self.model
        assert m is not None
        current = m.open_dispute
        legal = sorted(DISPUTE_MOVES[current.stage if current is not None else None])
        stage = data.draw(st.sampled_from(legal) if legal else st.sampled_from(list(D)))
        self.advance_dispute(stage, percent)

    def advance_dispute(self, stage: DisputeStage, percent: int | None) -> None:
        m = self.model
        assert m is not None
        current = m.open_dispute
        held = current.amount if current is not None else 0
        available = m.captured - m.refunded - m.reserved("refund") - (m.disputed - held)
        amount = share_of(available, percent)
        old = current.stage if current is not None else None
        if current is None:
            last = m.last_live_money()
            settled = not m.policy.settles_daily or (
                last is not None and last.date() < self.now.date()
            )
            want = available if amount is None else amount
            ok = (
                m.intent is not Intent.CREDIT
                and m.status in (S.CAPTURED, S.SETTLED, S.PARTIALLY_REFUNDED)
                and settled
            )
        else:
            escalates = (old, stage) == (D.INQUIRY, D.CHARGEBACK)
            ok = amount in (None, held) or escalates
            want = held if amount is None else amount
        ok = ok and stage in DISPUTE_MOVES[old] and 0 < want <= available
        self.run(AdvanceDispute(self.next_id(), stage, amount, "10.4"), ok)
        if ok:
            if current is None:
                m.disputes.append(ModelDispute(stage, want))
            else:
                current.stage, current.amount = stage, want

    @rule(seconds=st.one_of(st.none(), st.integers(-60, 90_000)))
    def wake_the_provider_at(self, seconds: int | None) -> None:
        m = self.model
        assert m is not None
        at = None if seconds is None else self.now + timedelta(seconds=seconds)
        self.run(WakeAt(at), True)
        m.wake_at = at

    @precondition(lambda self: self.model is not None and self.model.wake_at is not None)
    @rule(moved=rarely)
    def provider_woke(self, moved: bool) -> None:
        """The scheduler reports the wake-up done; one the provider moved since stays."""
        m = self.model
        assert m is not None and m.wake_at is not None
        reported = m.wake_at - timedelta(seconds=1) if moved else m.wake_at
        self.run(Woken(reported), True)
        if not moved:
            m.wake_at = None

    @precondition(lambda self: self.model is not None and self.model.challenge is not None)
    @rule(
        outcome=st.one_of(
            final_outcomes,
            st.builds(pending, final_outcomes, st.integers(1, 99)),
            st.just(cancelled()),
        )
    )
    def finish_challenge(self, outcome: Outcome) -> None:
        m = self.model
        assert m is not None and m.challenge is not None
        op_id, m.challenge = m.challenge, None
        self.run(Resolve(op_id, outcome), True)
        self.apply_outcome(op_id, m.intent.value, m.amount, outcome)

    @rule()
    def resolve_something_final(self) -> None:
        """Resolving an operation that already has its result is refused."""
        assert self.payment is not None
        done = [op for op in self.payment.operations if op.status.is_final]
        if done:
            self.run(Resolve(done[0].id, APPROVED), False)

    @rule(seconds=st.sampled_from([1, 30, 599, 3600, 7200, 86_400]))
    def let_time_pass(self, seconds: int) -> None:
        m = self.model
        assert m is not None
        self.now += timedelta(seconds=seconds)
        for op in sorted(m.pending, key=lambda p: p.due):
            if op.due <= self.now:
                m.pending.remove(op)
                saved_now, self.now = self.now, op.due
                self.apply_outcome(op.id, op.kind, op.amount, op.then, op.final)
                self.now = saved_now
        for waiting in list(m.registered):
            if waiting.lapses_at is not None and waiting.lapses_at <= self.now:
                m.registered.remove(waiting)
                if waiting.kind != "refund":
                    m.status = S.EXPIRED
        if m.status is S.CREATED and m.expires_at is not None and m.expires_at <= self.now:
            m.status = S.EXPIRED
        if (
            m.policy.settles_daily
            and m.status is S.CAPTURED
            and not m.capture_open
            and m.last_money_at is not None
            and self.now.date() > m.last_money_at.date()
        ):
            m.status = S.SETTLED
        self.run(Tick(), True)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def engine_agrees_with_model(self) -> None:
        if self.payment is None or self.model is None:
            return
        p, m = self.payment, self.model
        assert (p.status, p.authorized, p.captured, p.refunded, p.disputed) == (
            m.status,
            m.authorized,
            m.captured,
            m.refunded,
            m.disputed,
        )
        assert [(d.stage, d.amount) for d in p.disputes] == [
            (d.stage, d.amount) for d in m.disputes
        ]
        assert p.wake_at == m.wake_at
        if p.wake_at is not None:
            assert p.due_at is not None and p.due_at <= p.wake_at

    @invariant()
    def totals_and_history_are_consistent(self) -> None:
        if self.payment is not None:
            check_invariants(self.payment)
            assert self.payment.history[-1].new is self.payment.status

    @invariant()
    def disputed_money_never_exceeds_captured_less_refunded(self) -> None:
        if self.payment is not None:
            p = self.payment
            assert 0 <= p.disputed <= p.captured - p.refunded

    @invariant()
    def a_voided_payment_holds_nothing(self) -> None:
        if self.payment is not None and self.payment.status is S.VOIDED:
            assert self.payment.captured == 0 and self.payment.refunded == 0


# Pending resolutions keep their own time: the model resolves them at their due moment.
EngineMachine.TestCase.settings = settings(
    max_examples=500,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_engine_matches_model = EngineMachine.TestCase


def test_reason_enum_is_exported() -> None:
    assert declined(Reason.INSUFFICIENT_FUNDS).reason is Reason.INSUFFICIENT_FUNDS
