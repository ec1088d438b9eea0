"""An outcome changes an operation's status, reason, times and resolution, and keeps the rest."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta

from psp_sandbox.simulator.engine import APPROVED, OperationKind, OperationStatus, declined
from psp_sandbox.simulator.engine.decide import _changed
from psp_sandbox.simulator.engine.payment import Operation

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)
#: Every field holds something other than its default, so a field ``_changed`` dropped shows.
CAPTURE = Operation(
    "op-2", OperationKind.CAPTURE, 700, OperationStatus.PENDING, "processing", AT, AT,
    target_id="op-1", due_at=LATER, resolution=APPROVED, final=False,
    details={"comment": "second shipment"},
)  # fmt: skip


def test_an_operation_changed_by_an_outcome_keeps_every_other_field() -> None:
    changed = _changed(CAPTURE, OperationStatus.DECLINED, "do_not_honour", LATER, None, None)
    assert changed == replace(
        CAPTURE,
        status=OperationStatus.DECLINED,
        reason="do_not_honour",
        updated_at=LATER,
        due_at=None,
        resolution=None,
    )


def test_a_changed_operation_may_stay_pending_with_a_new_resolution() -> None:
    later_still = LATER + timedelta(seconds=5)
    changed = _changed(
        CAPTURE, OperationStatus.PENDING, "processing", LATER, later_still, declined()
    )
    assert changed == replace(CAPTURE, updated_at=LATER, due_at=later_still, resolution=declined())


def test_changed_knows_every_field_of_an_operation() -> None:
    """``_changed`` builds an Operation field by field: a new field must be added there too."""
    assert [f.name for f in fields(Operation)] == [
        "id", "kind", "amount", "status", "reason", "created_at", "updated_at", "target_id",
        "due_at", "resolution", "final", "details",
    ]  # fmt: skip
