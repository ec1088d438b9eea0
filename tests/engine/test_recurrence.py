"""Recurrence chains: initial, recurring…, final; minimum periods; closing the chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from psp_sandbox.simulator.engine import RuleViolation, Violation
from psp_sandbox.simulator.engine.recurrence import (
    Chain,
    Charge,
    ChargeState,
    Period,
    PeriodUnit,
    Sequence,
    add_charge,
    check_next,
    start_chain,
    with_states,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CS = ChargeState


def chain(min_period: timedelta | None = None, state: ChargeState = CS.SUCCEEDED) -> Chain:
    initial = Charge("pay-0", "op-0", Sequence.INITIAL, T0, state)
    return start_chain(initial, "tok-1", min_period)


def charge(n: int, sequence: Sequence, at: datetime) -> Charge:
    return Charge(f"pay-{n}", f"op-{n}", sequence, at)


def refused(chain_: Chain, sequence: Sequence, now: datetime) -> Violation:
    with pytest.raises(RuleViolation) as raised:
        check_next(chain_, sequence, now)
    return raised.value.code


def test_a_chain_starts_with_its_initial_charge_only() -> None:
    with pytest.raises(ValueError):
        start_chain(charge(1, Sequence.RECURRING, T0), "tok", None)
    with pytest.raises(ValueError):
        check_next(chain(), Sequence.INITIAL, T0)


def test_recurrences_need_a_successful_initial_charge() -> None:
    for state in (CS.IN_FLIGHT, CS.FAILED):
        assert refused(chain(state=state), Sequence.RECURRING, T0) is (
            Violation.RECURRENCE_NOT_AVAILABLE
        )
    check_next(chain(), Sequence.RECURRING, T0)


def test_the_minimum_period_counts_from_the_last_charge_that_did_not_fail() -> None:
    c = chain(min_period=2 * DAY)
    assert refused(c, Sequence.RECURRING, T0 + DAY) is Violation.RECURRENCE_TOO_SOON
    c = add_charge(c, charge(1, Sequence.RECURRING, T0 + 2 * DAY), T0 + 2 * DAY)
    assert refused(c, Sequence.RECURRING, T0 + 3 * DAY) is Violation.RECURRENCE_TOO_SOON
    failed = with_states(c, {"op-1": CS.FAILED})
    check_next(failed, Sequence.RECURRING, T0 + 3 * DAY)  # a failed charge does not count
    check_next(c, Sequence.FINAL, T0 + 4 * DAY)


def test_a_successful_final_closes_the_chain_and_a_failed_one_does_not() -> None:
    c = add_charge(chain(), charge(1, Sequence.FINAL, T0), T0)
    assert c.closing and not c.closed
    assert refused(c, Sequence.RECURRING, T0) is Violation.RECURRENCE_CLOSED
    done = with_states(c, {"op-1": CS.SUCCEEDED})
    assert done.closed and not done.usable
    assert refused(done, Sequence.FINAL, T0 + DAY) is Violation.RECURRENCE_CLOSED
    reopened = with_states(c, {"op-1": CS.FAILED})
    assert reopened.usable
    check_next(reopened, Sequence.FINAL, T0)


def test_a_charge_is_added_once() -> None:
    c = add_charge(chain(), charge(1, Sequence.RECURRING, T0), T0)
    with pytest.raises(ValueError):
        add_charge(c, charge(1, Sequence.RECURRING, T0), T0)


# --- the rules against a model, under random charges, results and time ---------------------


@dataclass
class Model:
    min_days: int | None
    initial_ok: bool
    last_live: datetime = T0
    live_times: dict[str, datetime] = field(default_factory=dict)
    open_finals: set[str] = field(default_factory=set)
    closed: bool = False


class ChainMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.chain: Chain | None = None
        self.model: Model | None = None
        self.now = T0
        self.count = 0
        self.states: dict[str, ChargeState] = {}

    @precondition(lambda self: self.chain is None)
    @rule(min_days=st.one_of(st.none(), st.integers(1, 30)), initial_ok=st.booleans())
    def start(self, min_days: int | None, initial_ok: bool) -> None:
        state = CS.SUCCEEDED if initial_ok else CS.FAILED
        period = None if min_days is None else timedelta(days=min_days)
        self.chain = chain(period, state)
        self.model = Model(min_days, initial_ok, live_times={"op-0": T0})

    @precondition(lambda self: self.chain is not None)
    @rule(sequence=st.sampled_from([Sequence.RECURRING, Sequence.FINAL]))
    def charge(self, sequence: Sequence) -> None:
        m, c = self.model, self.chain
        assert m is not None and c is not None
        last = max(m.live_times.values(), default=T0)
        allowed = (
            m.initial_ok
            and not m.closed
            and not m.open_finals
            and (m.min_days is None or self.now >= last + timedelta(days=m.min_days))
        )
        self.count += 1
        new = charge(self.count, sequence, self.now)
        try:
            self.chain = add_charge(c, new, self.now)
        except RuleViolation:
            assert not allowed
            return
        assert allowed
        m.live_times[new.operation_id] = self.now
        if sequence is Sequence.FINAL:
            m.open_finals.add(new.operation_id)

    @precondition(lambda self: self.chain is not None)
    @rule(data=st.data(), ok=st.booleans())
    def a_result_arrives(self, data: st.DataObject, ok: bool) -> None:
        m, c = self.model, self.chain
        assert m is not None and c is not None
        waiting = [x.operation_id for x in c.charges if x.state is CS.IN_FLIGHT]
        if not waiting:
            return
        op_id = data.draw(st.sampled_from(waiting))
        self.chain = with_states(c, {op_id: CS.SUCCEEDED if ok else CS.FAILED})
        if not ok:
            m.live_times.pop(op_id, None)
        if op_id in m.open_finals:
            m.open_finals.discard(op_id)
            m.closed = m.closed or ok

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days)

    @invariant()
    def chain_agrees_with_model(self) -> None:
        if self.chain is None or self.model is None:
            return
        assert self.chain.closed is self.model.closed
        assert self.chain.usable is (self.model.initial_ok and not self.model.closed)
        assert self.chain.charges[0].sequence is Sequence.INITIAL


ChainMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_chain_matches_model = ChainMachine.TestCase


@pytest.mark.parametrize(
    ("start", "every", "unit", "then"),
    [
        (datetime(2026, 1, 31, 9, tzinfo=UTC), 1, "MONTH", datetime(2026, 2, 28, 9, tzinfo=UTC)),
        (datetime(2028, 1, 31, 9, tzinfo=UTC), 1, "MONTH", datetime(2028, 2, 29, 9, tzinfo=UTC)),
        (datetime(2026, 11, 30, tzinfo=UTC), 3, "MONTH", datetime(2027, 2, 28, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 1, "YEAR", datetime(2029, 2, 28, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), 2, "WEEK", datetime(2026, 3, 15, tzinfo=UTC)),
        (datetime(2026, 3, 1, tzinfo=UTC), 10, "DAY", datetime(2026, 3, 11, tzinfo=UTC)),
    ],
)
def test_a_period_moves_on_the_calendar_keeping_the_day_where_the_month_has_it(
    start: datetime, every: int, unit: PeriodUnit, then: datetime
) -> None:
    assert Period(every, unit).after(start) == then
