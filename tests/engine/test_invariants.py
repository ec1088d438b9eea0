"""A payment whose totals and status disagree is refused by the engine's invariant check, which
names the rule it breaks; a consistent payment passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from psp_sandbox.simulator.engine import Intent, Payment, PaymentStatus
from psp_sandbox.simulator.engine.decide import InvariantBroken, check_invariants
from psp_sandbox.simulator.engine.disputes import Dispute, DisputeChange, DisputeStage
from psp_sandbox.simulator.engine.payment import StatusChange

S = PaymentStatus
AT = datetime(2026, 1, 1, tzinfo=UTC)
CAPTURED = Payment(
    "p-1", "t", "tranzzo", "order-1", "EUR", 1000, Intent.SALE, S.CAPTURED, AT, AT,
    authorized=1000, captured=1000,
    history=(StatusChange(AT, None, S.CREATED), StatusChange(AT, S.CREATED, S.CAPTURED)),
)  # fmt: skip


def disputed(amount: int, *stages: DisputeStage, dispute_id: str = "d-1") -> Dispute:
    """A dispute of ``amount`` that went through ``stages`` (from none) in that order."""
    olds = (None, *stages[:-1])
    history = tuple(
        DisputeChange(AT, old, new, amount) for old, new in zip(olds, stages, strict=True)
    )
    return Dispute(dispute_id, amount, stages[-1], "10.4", AT, AT, history)


def moved(*statuses: PaymentStatus) -> tuple[StatusChange, ...]:
    olds = (None, *statuses[:-1])
    return tuple(StatusChange(AT, old, new) for old, new in zip(olds, statuses, strict=True))


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"captured": 1200}, "0 <= captured <= authorized"),
        ({"refunded": 1500}, "0 <= refunded <= captured"),
        ({"status": S.VOIDED, "history": moved(S.CREATED, S.AUTHORIZED, S.VOIDED)},
         "a voided payment holds no captured money"),
        ({"status": S.REFUNDED, "refunded": 400,
          "history": moved(S.CREATED, S.CAPTURED, S.REFUNDED)},
         "a refunded payment has returned everything captured"),
        ({"status": S.PARTIALLY_REFUNDED, "refunded": 1000,
          "history": moved(S.CREATED, S.CAPTURED, S.PARTIALLY_REFUNDED)},
         "a partially refunded payment returned part of it"),
        ({"refunded": 10}, "a captured payment has no refunds yet"),
        ({"status": S.AUTHORIZED, "history": moved(S.CREATED, S.AUTHORIZED)},
         "an authorization has nothing captured"),
        ({"status": S.VERIFIED, "captured": 0, "history": moved(S.CREATED, S.VERIFIED)},
         "a verification holds nothing"),
        ({"history": moved(S.CREATED, S.REFUNDED, S.CAPTURED)}, "illegal move"),
        ({"history": (*moved(S.CREATED), StatusChange(AT, S.AUTHORIZED, S.CAPTURED))},
         "illegal move"),
        ({"disputes": (disputed(1200, DisputeStage.CHARGEBACK),)},
         "disputed <= captured - refunded"),
        ({"status": S.PARTIALLY_REFUNDED, "refunded": 500,
          "history": moved(S.CREATED, S.CAPTURED, S.PARTIALLY_REFUNDED),
          "disputes": (disputed(600, DisputeStage.INQUIRY),)},
         "disputed <= captured - refunded"),
        ({"disputes": (disputed(100, DisputeStage.INQUIRY),
                       disputed(100, DisputeStage.CHARGEBACK, dispute_id="d-2"))},
         "at most one open dispute"),
        ({"disputes": (disputed(100, DisputeStage.INQUIRY, DisputeStage.REVERSED),)},
         "illegal dispute move"),
    ],
)  # fmt: skip
def test_a_payment_breaking_a_rule_is_refused_naming_it(
    changes: dict[str, object], rule: str
) -> None:
    with pytest.raises(InvariantBroken, match=rule) as refused:
        check_invariants(replace(CAPTURED, **changes))  # type: ignore[arg-type]
    assert "payment p-1" in str(refused.value)


@pytest.mark.parametrize(
    "payment",
    [
        CAPTURED,
        replace(CAPTURED, status=S.PARTIALLY_REFUNDED, refunded=400,
                history=moved(S.CREATED, S.CAPTURED, S.PARTIALLY_REFUNDED)),
        replace(CAPTURED, status=S.REFUNDED, refunded=1000,
                history=moved(S.CREATED, S.CAPTURED, S.REFUNDED)),
        replace(CAPTURED, status=S.AUTHORIZED, captured=0, history=moved(S.CREATED, S.AUTHORIZED)),
        replace(CAPTURED, disputes=(disputed(1000, DisputeStage.INQUIRY, DisputeStage.LOST),
                                    disputed(0, DisputeStage.CHARGEBACK, dispute_id="d-2"))),
    ],
)  # fmt: skip
def test_a_consistent_payment_passes(payment: Payment) -> None:
    check_invariants(payment)
