"""decide(payment, command, policy, now): the single place where every payment rule is enforced.

Pure and synchronous: it returns a new Payment (the input is never mutated), the operation the
command recorded or resolved, and the domain events that follow — or raises ``RuleViolation``
and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from .commands import (
    AdjustAuthorization,
    AdvanceDispute,
    Cancel,
    CancelOrder,
    Capture,
    Command,
    Execute,
    Open,
    Refund,
    Register,
    Resolve,
    Start,
    Tick,
    Void,
    WakeAt,
    Woken,
)
from .disputes import DISPUTE_MOVES, Dispute, advance
from .events import DisputeUpdated, Event, OperationUpdated, StatusChanged
from .outcome import Outcome, Reason, Result
from .payment import (
    PRIMARY_KIND_OF,
    Intent,
    Operation,
    OperationKind,
    OperationStatus,
    Payment,
    StatusChange,
)
from .policy import Policy
from .states import PaymentStatus, is_legal
from .violations import RuleViolation, Violation

S = PaymentStatus
K = OperationKind
OS = OperationStatus
V = Violation

_REFUNDABLE = frozenset({S.CAPTURED, S.SETTLED, S.PARTIALLY_REFUNDED})
#: Refunds that count against "one refund only": done, or on their way.
_REFUNDS_THAT_COUNT = frozenset({OS.SUCCEEDED, OS.PENDING, OS.REGISTERED})
_MONEY_MOVING = (K.SALE, K.CAPTURE, K.CREDIT)


@dataclass(frozen=True, slots=True)
class Decision:
    payment: Payment
    #: The operation the command recorded or resolved (None for Open and Tick).
    operation: Operation | None
    events: tuple[Event, ...]


class InvariantBroken(AssertionError):
    """The engine produced a state its own rules forbid: a bug, never a user error."""


def decide(payment: Payment | None, command: Command, policy: Policy, now: datetime) -> Decision:
    if isinstance(command, Open):
        return _open(payment, command, policy, now)
    if payment is None:
        raise ValueError(f"{type(command).__name__} needs an existing payment")
    draft = _Draft(payment, policy, now)
    _advance(draft)  # time acts first: a command always meets the payment as of `now`
    operation: Operation | None
    match command:
        case CancelOrder():
            _cancel_order(draft)
            operation = None
        case Start():
            operation = _start(draft, command)
        case Capture():
            operation = _capture(draft, command)
        case Void():
            operation = _void(draft, command)
        case Refund():
            operation = _refund(draft, command)
        case AdjustAuthorization():
            operation = _adjust(draft, command)
        case Resolve():
            operation = _resolve(draft, command)
        case Register():
            operation = _register(draft, command)
        case Execute():
            operation = _execute(draft, command)
        case Cancel():
            operation = _cancel(draft, command)
        case AdvanceDispute():
            _dispute(draft, command)
            operation = None
        case WakeAt():
            draft.set_wake_at(command.at)
            operation = None
        case Woken():
            if draft.wake_at == command.at:
                draft.set_wake_at(None)
            operation = None
        case Tick():
            operation = None
    return draft.finish(operation)


def check_invariants(p: Payment) -> None:
    """Raise InvariantBroken unless the payment's totals and status agree."""
    broken = _broken_invariant(p)
    if broken is not None:
        raise InvariantBroken(
            f"{broken} (payment {p.id}: {p.status}, {p.authorized}/{p.captured}/{p.refunded})"
        )


def _broken_invariant(p: Payment) -> str | None:
    """The first invariant ``p`` breaks, None if it keeps them all (checked after every
    decision: the messages are written only for a broken one)."""
    if not 0 <= p.captured <= p.authorized:
        return "0 <= captured <= authorized"
    if not 0 <= p.refunded <= p.captured:
        return "0 <= refunded <= captured"
    if p.disputes:  # none (most payments): nothing disputed, which the rules above allow
        broken = _broken_dispute_invariant(p)
        if broken is not None:
            return broken
    if p.status is S.VOIDED and not (p.captured == 0 and p.refunded == 0):
        return "a voided payment holds no captured money"
    if p.status is S.REFUNDED and p.refunded != p.captured:
        return "a refunded payment has returned everything captured"
    if p.status is S.PARTIALLY_REFUNDED and not 0 < p.refunded < p.captured:
        return "a partially refunded payment returned part of it"
    if p.status in (S.CAPTURED, S.SETTLED) and p.refunded != 0:
        return "a captured payment has no refunds yet"
    if p.status is S.AUTHORIZED and not (p.captured == 0 and p.refunded == 0):
        return "an authorization has nothing captured"
    if p.status is S.VERIFIED and not (p.authorized == 0 and p.captured == 0):
        return "a verification holds nothing"
    for old, new in pairwise(p.history):
        if not (new.old == old.new and new.old is not None and is_legal(new.old, new.new)):
            return f"illegal move {new.old} -> {new.new}"
    return None


def _broken_dispute_invariant(p: Payment) -> str | None:
    """The first rule ``p``'s disputes break, None if they keep them all."""
    if not 0 <= p.disputed <= p.captured - p.refunded:
        return "disputed <= captured - refunded"
    if sum(d.is_open for d in p.disputes) > 1:
        return "at most one open dispute"
    for dispute in p.disputes:
        for change in dispute.history:
            if change.new not in DISPUTE_MOVES[change.old]:
                return f"illegal dispute move {change.old}"
    return None


# --- commands -------------------------------------------------------------------------------


def _open(existing: Payment | None, cmd: Open, policy: Policy, now: datetime) -> Decision:
    if existing is not None:
        raise RuleViolation(V.DUPLICATE_REFERENCE, cmd.reference)
    if cmd.amount < 0:
        raise RuleViolation(V.INVALID_AMOUNT, "amount must not be negative")
    ttl = policy.order_ttl_seconds
    expires_at = cmd.expires_at or (now + timedelta(seconds=ttl) if ttl is not None else None)
    payment = Payment(
        id=cmd.payment_id,
        tenant=cmd.tenant,
        provider=cmd.provider,
        reference=cmd.reference,
        currency=cmd.currency,
        amount=cmd.amount,
        intent=cmd.intent,
        status=S.CREATED,
        created_at=now,
        updated_at=now,
        expires_at=expires_at,
        # An order is next due when it lapses (built so, rather than rebuilt: _with_due
        # below finds it right and leaves it alone).
        due_at=expires_at,
        history=(StatusChange(now, None, S.CREATED),),
        details=cmd.details,
    )
    payment = _with_due(payment, _next_due(payment, policy))
    check_invariants(payment)
    return Decision(payment, None, (StatusChanged(payment.id, None, S.CREATED),))


def _cancel_order(d: _Draft) -> None:
    """Only an order nobody has started paying can be withdrawn."""
    _check_startable(d.p)
    d.set_status(S.CANCELLED, None)


def _start(d: _Draft, cmd: Start) -> Operation:
    _check_startable(d.p)
    op = d.new_operation(cmd.operation_id, PRIMARY_KIND_OF[d.p.intent], d.p.amount, cmd.details)
    return d.record(_resolved(op, cmd.outcome, d.now), new=True)


def _check_startable(p: Payment) -> None:
    """An order runs its primary operation once, before it lapses."""
    if p.status is S.EXPIRED:
        raise RuleViolation(V.ORDER_EXPIRED)
    if p.status is not S.CREATED or p.primary is not None:
        raise RuleViolation(V.ORDER_ALREADY_PROCESSED)


def _capture(d: _Draft, cmd: Capture) -> Operation:
    p = d.p
    if not (p.status is S.AUTHORIZED or (p.status is S.CAPTURED and p.capture_open)):
        raise RuleViolation(V.NOT_CAPTURABLE, f"payment is {p.status}")
    if p.in_flight(K.REFUND) > 0:
        # Captures and refunds never overlap in flight (see _refund).
        raise RuleViolation(V.NOT_CAPTURABLE, "a refund is still in flight")
    _check_currency(p, cmd.currency)
    remaining = p.authorized - p.captured - p.in_flight(K.CAPTURE)
    amount = _requested(cmd.amount, remaining, V.NOT_CAPTURABLE)
    if amount > remaining:
        raise RuleViolation(V.CAPTURE_EXCEEDS_AUTHORIZED, f"{amount} > {remaining}")
    if not d.policy.partial_capture and amount != remaining:
        raise RuleViolation(V.PARTIAL_CAPTURE_NOT_ALLOWED)
    _only_final_or_pending(cmd.outcome)
    final = cmd.final or not d.policy.multiple_captures
    op = d.new_operation(cmd.operation_id, K.CAPTURE, amount, cmd.details, final=final)
    return d.record(_resolved(op, cmd.outcome, d.now), new=True)


def _void(d: _Draft, cmd: Void) -> Operation:
    p = d.p
    target = p.primary if cmd.target_id is None else p.operation(cmd.target_id)
    if target is None:
        raise RuleViolation(V.OPERATION_NOT_FOUND, cmd.target_id or "primary")
    _check_currency(p, cmd.currency)
    if target.kind not in d.policy.voidable or target.status is not OS.SUCCEEDED:
        raise RuleViolation(V.NOT_VOIDABLE, f"{target.kind} is {target.status}")
    same_day_rule = d.policy.void_same_day_only and target.kind not in d.policy.void_any_day
    if same_day_rule and target.updated_at.date() != d.now.date():
        raise RuleViolation(V.VOID_WINDOW_CLOSED, "voids are accepted on the same day only")
    returned = p.refunded > 0 or p.in_flight(K.REFUND) > 0 or bool(p.disputes)
    if target.kind is K.AUTH:
        ok = p.status is S.AUTHORIZED and p.in_flight(K.CAPTURE) == 0
    elif target.kind is K.CAPTURE:
        ok = d.policy.void_reopens_authorization and p.status is S.CAPTURED and not returned
    else:  # SALE, CREDIT
        ok = p.status is S.CAPTURED and not returned
    if not ok:
        raise RuleViolation(V.NOT_VOIDABLE, f"payment is {p.status}")
    if cmd.outcome.result not in (Result.APPROVED, Result.DECLINED, Result.FAILED):
        raise ValueError("a void resolves at once: approved, declined or failed")
    amount = p.authorized if target.kind is K.AUTH else target.amount
    _check_whole(cmd.amount, amount)
    op = d.new_operation(cmd.operation_id, K.VOID, amount, cmd.details, target_id=target.id)
    return d.record(_resolved(op, cmd.outcome, d.now), new=True)


def _refund(d: _Draft, cmd: Refund) -> Operation:
    amount = _refund_amount(d, cmd.amount, cmd.currency, cmd.target_id, exact=False)
    _only_final_or_pending(cmd.outcome)
    op = d.new_operation(cmd.operation_id, K.REFUND, amount, cmd.details, target_id=cmd.target_id)
    return d.record(_resolved(op, cmd.outcome, d.now), new=True)


def _refund_amount(
    d: _Draft, amount: int | None, currency: str | None, target_id: str | None, *, exact: bool
) -> int:
    """What a refund may return now, or the rule it breaks. ``exact``: the refund must return
    the whole captured amount in one piece."""
    p = d.p
    # A refund that succeeded, is still in flight or is registered to run uses up a one-refund
    # policy's only refund (a declined, failed, lapsed or cancelled one does not): that is the
    # reason a second one is refused.
    refunds = [op for op in p.of_kind(K.REFUND) if op.status in _REFUNDS_THAT_COUNT]
    if refunds and not d.policy.multiple_refunds:
        raise RuleViolation(V.MULTIPLE_REFUNDS_NOT_ALLOWED)
    if p.status is S.REFUNDED:
        raise RuleViolation(V.REFUND_EXCEEDS_CAPTURED, "everything captured is refunded")
    if p.status not in _REFUNDABLE or p.intent is Intent.CREDIT:
        raise RuleViolation(V.NOT_REFUNDABLE, f"payment is {p.status}")
    if p.in_flight(K.CAPTURE) > 0:
        # Its result could land after the refund's and move REFUNDED back to CAPTURED.
        raise RuleViolation(V.NOT_REFUNDABLE, "a capture is still in flight")
    _check_currency(p, currency)
    # Disputed money is the cardholder bank's to return, not the merchant's.
    remaining = p.captured - p.refunded - p.in_flight(K.REFUND) - p.disputed
    moved = _last_money_movement(p)
    if target_id is not None:
        target = p.operation(target_id)
        if target is None:
            raise RuleViolation(V.OPERATION_NOT_FOUND, target_id)
        if target.kind not in _MONEY_MOVING or target.status is not OS.SUCCEEDED:
            raise RuleViolation(V.NOT_REFUNDABLE, f"{target.kind} is {target.status}")
        already = sum(op.amount for op in refunds if op.target_id == target.id)
        remaining = min(remaining, target.amount - already)
        moved = target.updated_at
    if d.policy.refund_next_day_only and (moved is None or moved.date() >= d.now.date()):
        raise RuleViolation(V.REFUND_WINDOW_NOT_OPEN, "refunds come after the day of payment")
    wanted = _requested(amount, remaining, V.REFUND_EXCEEDS_CAPTURED)
    if exact and wanted < p.captured:
        raise RuleViolation(
            V.PARTIAL_REFUND_NOT_ALLOWED, f"the refund must return exactly {p.captured}"
        )
    if wanted > remaining:
        raise RuleViolation(V.REFUND_EXCEEDS_CAPTURED, f"{wanted} > {remaining}")
    if not d.policy.partial_refund and wanted != remaining:
        raise RuleViolation(V.PARTIAL_REFUND_NOT_ALLOWED)
    return wanted


def _adjust(d: _Draft, cmd: AdjustAuthorization) -> Operation:
    p = d.p
    if not d.policy.incremental_authorization:
        raise RuleViolation(V.NOT_ADJUSTABLE, "this provider does not adjust authorizations")
    if not (p.status is S.AUTHORIZED or (p.status is S.CAPTURED and p.capture_open)):
        raise RuleViolation(V.NOT_ADJUSTABLE, f"payment is {p.status}")
    _check_currency(p, cmd.currency)
    new_total = p.authorized + cmd.delta
    if cmd.delta == 0 or new_total <= 0 or new_total < p.captured + p.in_flight(K.CAPTURE):
        raise RuleViolation(V.INVALID_AMOUNT, "the authorization cannot drop below the captured")
    if cmd.outcome.result not in (Result.APPROVED, Result.DECLINED, Result.FAILED):
        raise ValueError("an adjustment resolves at once: approved, declined or failed")
    primary = p.primary
    op = d.new_operation(
        cmd.operation_id,
        K.ADJUSTMENT,
        cmd.delta,
        cmd.details,
        target_id=primary.id if primary else None,
    )
    return d.record(_resolved(op, cmd.outcome, d.now), new=True)


def _resolve(d: _Draft, cmd: Resolve) -> Operation:
    op = _operation(d.p, cmd.target_id)
    if op.status.is_final:
        raise RuleViolation(V.NOT_PENDING, f"{op.kind} is already {op.status}")
    if op.status is OS.REGISTERED:
        raise RuleViolation(V.NOT_PENDING, f"{op.kind} waits to be executed")
    if cmd.details:
        op = replace(op, details={**op.details, **cmd.details})
    return d.record(_resolved(op, cmd.outcome, d.now))


def _dispute(d: _Draft, cmd: AdvanceDispute) -> None:
    """Open a dispute on captured, settled money, or move the open one (engine/disputes.py)."""
    p = d.p
    current = p.open_dispute
    if current is None:
        if p.intent is Intent.CREDIT or p.status not in _REFUNDABLE:
            raise RuleViolation(V.NOT_DISPUTABLE, f"payment is {p.status}")
        last = _last_money_movement(p)
        if d.policy.settles_daily and (last is None or last.date() >= d.now.date()):
            raise RuleViolation(V.NOT_DISPUTABLE, "the payment has not settled yet")
    held = current.disputed if current is not None else 0
    available = p.captured - p.refunded - p.in_flight(K.REFUND) - (p.disputed - held)
    d.record_dispute(advance(current, cmd, available, d.now))


def _register(d: _Draft, cmd: Register) -> Operation:
    p = d.p
    if cmd.kind is K.REFUND:
        exact = d.policy.exact_registered_refunds
        amount = _refund_amount(d, cmd.amount, cmd.currency, cmd.target_id, exact=exact)
    elif cmd.kind is PRIMARY_KIND_OF[p.intent]:
        _check_startable(p)
        _check_currency(p, cmd.currency)
        if cmd.amount not in (None, p.amount):
            raise RuleViolation(V.INVALID_AMOUNT, "a primary operation takes the order's amount")
        amount = p.amount
    else:
        raise ValueError(f"a {cmd.kind} is not registered for later execution")
    ttl = d.policy.order_ttl_seconds
    op = d.new_operation(cmd.operation_id, cmd.kind, amount, cmd.details, target_id=cmd.target_id)
    lapses_at = d.now + timedelta(seconds=ttl) if ttl is not None else None
    return d.record(replace(op, status=OS.REGISTERED, due_at=lapses_at), new=True)


def _execute(d: _Draft, cmd: Execute) -> Operation:
    """A registered operation runs at most once, and only before it lapses."""
    op = _operation(d.p, cmd.operation_id)
    if op.status is OS.EXPIRED:
        raise RuleViolation(V.ORDER_EXPIRED, f"the {op.kind} lapsed unexecuted")
    if op.status is not OS.REGISTERED:
        raise RuleViolation(V.ORDER_ALREADY_PROCESSED, f"the {op.kind} is {op.status}")
    if cmd.details:
        op = replace(op, details={**op.details, **cmd.details})
    return d.record(_resolved(op, cmd.outcome, d.now))


def _cancel(d: _Draft, cmd: Cancel) -> Operation:
    """Only an operation nobody has started executing can be cancelled."""
    op = _operation(d.p, cmd.operation_id)
    if op.status is not OS.REGISTERED:
        raise RuleViolation(V.NOT_CANCELLABLE, f"the {op.kind} is {op.status}")
    ended = replace(op, status=OS.CANCELLED, reason=cmd.reason.value, updated_at=d.now, due_at=None)
    return d.record(ended)


def _operation(p: Payment, operation_id: str) -> Operation:
    op = p.operation(operation_id)
    if op is None:
        raise RuleViolation(V.OPERATION_NOT_FOUND, operation_id)
    return op


# --- time -----------------------------------------------------------------------------------


def _advance(d: _Draft) -> None:
    due = [
        op
        for op in d.p.operations
        if op.status.holds_amount and op.due_at is not None and op.due_at <= d.now
    ]
    # In the order their results arrive (ties: in the order they were made).
    for op in sorted(due, key=lambda o: o.due_at or d.now):
        assert op.due_at is not None
        if op.status is OS.REGISTERED:
            d.record(_lapsed(op, op.due_at))
        else:
            assert op.resolution is not None
            d.record(_resolved(op, op.resolution, op.due_at))
    p = d.p
    if p.status is S.CREATED and p.expires_at is not None and p.expires_at <= d.now:
        d.set_status(S.EXPIRED, None)
    settles_at = _settlement_time(p, d.policy)
    if settles_at is not None and settles_at <= d.now:
        d.set_status(S.SETTLED, None)


def _settlement_time(p: Payment, policy: Policy) -> datetime | None:
    if not policy.settles_daily or p.status is not S.CAPTURED or p.capture_open:
        return None
    last = _last_money_movement(p)
    if last is None:
        return None
    return datetime.combine(last.date() + timedelta(days=1), datetime.min.time(), last.tzinfo)


def _last_money_movement(p: Payment) -> datetime | None:
    moved = [op.updated_at for op in p.of_kind(*_MONEY_MOVING) if op.status is OS.SUCCEEDED]
    return max(moved, default=None)


def _next_due(p: Payment, policy: Policy) -> datetime | None:
    moments = [op.due_at for op in p.operations if op.status.holds_amount and op.due_at]
    if p.status is S.CREATED and p.expires_at is not None:
        moments.append(p.expires_at)
    settles_at = _settlement_time(p, policy)
    if settles_at is not None:
        moments.append(settles_at)
    if p.wake_at is not None:
        moments.append(p.wake_at)
    return min(moments, default=None)


# --- helpers --------------------------------------------------------------------------------


def _resolved(op: Operation, outcome: Outcome, now: datetime) -> Operation:
    """The operation as the outcome leaves it (status, reason, pending schedule)."""
    match outcome.result:
        case Result.APPROVED:
            status = OS.SUCCEEDED
        case Result.DECLINED:
            status = OS.DECLINED
        case Result.FAILED:
            status = OS.FAILED
        case Result.CHALLENGE:
            if not op.kind.is_primary:
                raise ValueError("only a primary operation can ask for authentication")
            status = OS.ACTION_REQUIRED
        case Result.CANCELLED:
            status = OS.CANCELLED
        case Result.PENDING:
            due_at = now + timedelta(seconds=outcome.delay_seconds)
            return _changed(op, OS.PENDING, outcome.reason.value, now, due_at, outcome.then)
    return _changed(op, status, outcome.reason.value, now, None, None)


def _changed(
    op: Operation,
    status: OperationStatus,
    reason: str,
    updated_at: datetime,
    due_at: datetime | None,
    resolution: Outcome | None,
) -> Operation:
    """``op`` with a new status and what goes with it: ``dataclasses.replace`` without its
    generic cost (it runs on every operation a purchase records)."""
    return Operation(
        op.id, op.kind, op.amount, status, reason, op.created_at, updated_at, op.target_id,
        due_at, resolution, op.final, op.details,
    )  # fmt: skip


def _lapsed(op: Operation, at: datetime) -> Operation:
    """A registered operation nobody executed in time."""
    reason = Reason.SESSION_EXPIRED.value
    return replace(op, status=OS.EXPIRED, reason=reason, updated_at=at, due_at=None)


def _requested(amount: int | None, remaining: int, nothing_left: Violation) -> int:
    if amount is None:
        if remaining <= 0:
            raise RuleViolation(nothing_left, "nothing left")
        return remaining
    if amount <= 0:
        raise RuleViolation(V.INVALID_AMOUNT, "amount must be positive")
    return amount


def _check_whole(named: int | None, whole: int) -> None:
    """A void cancels all of what its target holds; an amount it names must be exactly that."""
    if named is None or named == whole:
        return
    if named <= 0:
        raise RuleViolation(V.INVALID_AMOUNT, "amount must be positive")
    if named > whole:
        raise RuleViolation(V.VOID_EXCEEDS_AMOUNT, f"{named} > {whole}")
    raise RuleViolation(V.PARTIAL_VOID_NOT_ALLOWED, f"{named} < {whole}")


def _check_currency(p: Payment, currency: str | None) -> None:
    if currency is not None and currency != p.currency:
        raise RuleViolation(V.CURRENCY_MISMATCH, f"{currency} != {p.currency}")


def _only_final_or_pending(outcome: Outcome) -> None:
    if outcome.result is Result.CHALLENGE:
        raise ValueError("only a primary operation can ask for authentication")


class _Draft:
    """The payment being changed by one decision, and the events the changes raise.

    Changes accumulate in plain attributes; the new Payment is built once, in ``finish``
    (``p`` shows the payment as changed so far, rebuilt only when read after a change).
    """

    __slots__ = (
        "_base", "_view", "authorized", "capture_open", "captured", "disputes", "events",
        "history", "now", "operations", "policy", "refunded", "status", "wake_at",
    )  # fmt: skip

    def __init__(self, payment: Payment, policy: Policy, now: datetime) -> None:
        self._base = payment
        self._view: Payment | None = payment
        self.policy = policy
        self.now = now
        self.events: list[Event] = []
        self.status = payment.status
        self.authorized = payment.authorized
        self.captured = payment.captured
        self.refunded = payment.refunded
        self.capture_open = payment.capture_open
        self.operations = list(payment.operations)
        self.history = list(payment.history)
        self.disputes = list(payment.disputes)
        self.wake_at = payment.wake_at

    @property
    def p(self) -> Payment:
        if self._view is None:
            self._view = self._build(updated_at=self._base.updated_at, due_at=self._base.due_at)
        return self._view

    def new_operation(
        self,
        op_id: str,
        kind: OperationKind,
        amount: int,
        details: Mapping[str, Any],
        *,
        target_id: str | None = None,
        final: bool = True,
    ) -> Operation:
        for op in self.operations:
            if op.id == op_id:
                raise ValueError(f"operation id {op_id} is already used")
        return Operation(op_id, kind, amount, OS.PENDING, "", self.now, self.now, target_id,
                         None, None, final, dict(details))  # fmt: skip

    def record(self, op: Operation, *, new: bool = False) -> Operation:
        """Store the operation and apply what its status means for the payment."""
        if new:
            self.operations.append(op)
        else:
            self.operations = [op if o.id == op.id else o for o in self.operations]
        self._view = None
        self.events.append(OperationUpdated(self._base.id, op.id, op.kind, op.status))
        self._apply(op)
        return op

    def set_wake_at(self, at: datetime | None) -> None:
        self.wake_at = at
        self._view = None

    def record_dispute(self, dispute: Dispute) -> None:
        """Store a new or moved dispute."""
        known = [x.id for x in self.disputes]
        if dispute.id in known and len(dispute.history) == 1:
            raise ValueError(f"dispute id {dispute.id} is already used")
        if dispute.id in known:
            self.disputes[known.index(dispute.id)] = dispute
        else:
            self.disputes.append(dispute)
        self._view = None
        old = dispute.history[-1].old
        self.events.append(DisputeUpdated(self._base.id, dispute.id, old, dispute.stage))

    def set_status(self, new: PaymentStatus, operation_id: str | None) -> None:
        old = self.status
        if new == old:
            return
        if not is_legal(old, new):
            raise InvariantBroken(f"illegal move {old} -> {new}")
        self.status = new
        self.history.append(StatusChange(self.now, old, new, operation_id))
        self._view = None
        self.events.append(StatusChanged(self._base.id, old, new))

    def finish(self, operation: Operation | None) -> Decision:
        p = self._build(updated_at=self.now, due_at=None)
        p = _with_due(p, _next_due(p, self.policy))
        check_invariants(p)
        return Decision(p, operation, tuple(self.events))

    def _build(self, *, updated_at: datetime, due_at: datetime | None) -> Payment:
        b = self._base
        return Payment(
            b.id, b.tenant, b.provider, b.reference, b.currency, b.amount, b.intent,
            self.status, b.created_at, updated_at, self.authorized, self.captured, self.refunded,
            self.capture_open, b.expires_at, due_at, tuple(self.operations), tuple(self.history),
            b.details, tuple(self.disputes), self.wake_at,
        )  # fmt: skip

    def _apply(self, op: Operation) -> None:
        if op.kind.is_primary:
            status = _PRIMARY_STATUS.get(op.status)
            if status is not None:
                self.set_status(status, op.id)
        if op.status is OS.SUCCEEDED:
            self._succeed(op)

    def _succeed(self, op: Operation) -> None:
        self._view = None
        match op.kind:
            case K.SALE | K.CREDIT:
                self.authorized = self.captured = op.amount
                self.set_status(S.CAPTURED, op.id)
            case K.AUTH:
                self.authorized = op.amount
                self.set_status(S.AUTHORIZED, op.id)
            case K.ADJUSTMENT:
                self.authorized += op.amount
            case K.VERIFICATION:
                self.set_status(S.VERIFIED, op.id)
            case K.CAPTURE:
                self.captured += op.amount
                self.capture_open = (
                    self.policy.multiple_captures and not op.final
                    and self.captured < self.authorized
                )  # fmt: skip
                self.set_status(S.CAPTURED, op.id)
            case K.REFUND:
                self.refunded += op.amount
                self.capture_open = False
                full = self.refunded == self.captured
                self.set_status(S.REFUNDED if full else S.PARTIALLY_REFUNDED, op.id)
            case K.VOID:
                self._void_target(op)

    def _void_target(self, void: Operation) -> None:
        assert void.target_id is not None
        target = next(o for o in self.operations if o.id == void.target_id)
        self.record(replace(target, status=OS.VOIDED, updated_at=self.now))
        if target.kind is K.CAPTURE:
            self.captured -= target.amount
            self.capture_open = True
            self.set_status(S.AUTHORIZED if self.captured == 0 else S.CAPTURED, void.id)
        else:
            self.authorized = self.captured = 0
            self.capture_open = False
            self.set_status(S.VOIDED, void.id)


_PRIMARY_STATUS: Mapping[OperationStatus, PaymentStatus] = {
    OS.PENDING: S.PENDING,
    OS.ACTION_REQUIRED: S.ACTION_REQUIRED,
    OS.DECLINED: S.DECLINED,
    OS.FAILED: S.FAILED,
    OS.EXPIRED: S.EXPIRED,
    OS.CANCELLED: S.CANCELLED,
}


def _with_due(p: Payment, due_at: datetime | None) -> Payment:
    return p if p.due_at == due_at else replace(p, due_at=due_at)
