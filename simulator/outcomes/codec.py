"""Outcomes as plain JSON objects, for stored tokens and challenge records."""

from __future__ import annotations

from typing import Any

from ..engine import Outcome, Reason, Result


def outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {"result": outcome.result.value, "reason": outcome.reason.value}
    if outcome.delay_seconds:
        data["delay_seconds"] = outcome.delay_seconds
    if outcome.then is not None:
        data["then"] = outcome_to_json(outcome.then)
    return data


def outcome_from_json(data: dict[str, Any]) -> Outcome:
    then = data.get("then")
    return Outcome(
        Result(data["result"]),
        Reason(data["reason"]),
        int(data.get("delay_seconds", 0)),
        outcome_from_json(then) if then else None,
    )
