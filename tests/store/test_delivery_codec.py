"""Reading stored deliveries back: as they were saved, and as a claim takes them (in flight)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.store import Attempt, Delivery, DeliveryState
from psp_sandbox.simulator.store.codec import decode_claimed, decode_delivery, encode_delivery

NOW = datetime(2026, 6, 1, 12, 0, 0, 123000, tzinfo=UTC)


def stored(state: DeliveryState) -> Delivery:
    attempt = Attempt(NOW, 500, 12, None, "busy", "data=eyJh...", "c2ln", timed_out=False)
    return Delivery(
        "dlv-1",
        "t1",
        "tranzzo",
        "http://127.0.0.1:9/hook",
        "purchase.success",
        {"order_id": "o-1", "amount": 1, "nested": {"list": [1, "two", None]}},
        state,
        NOW + timedelta(seconds=10),
        NOW,
        "pay-1",
        "op-1",
        "key-1",
        (attempt, replace(attempt, status=None, error="refused", timed_out=True)),
        "dlv-0",
        ({"kind": "delay", "seconds": 5},),
    )


@pytest.mark.parametrize("state", list(DeliveryState))
def test_a_claimed_delivery_reads_back_in_flight_and_otherwise_as_saved(
    state: DeliveryState,
) -> None:
    delivery = stored(state)
    claimed = decode_claimed(encode_delivery(delivery))
    assert claimed == replace(delivery, state=DeliveryState.IN_FLIGHT)
    assert claimed == decode_delivery(encode_delivery(delivery), "in_flight")
    assert claimed.state is DeliveryState.IN_FLIGHT
    assert all(isinstance(a, Attempt) for a in claimed.attempts)
    assert isinstance(claimed.attempts, tuple) and isinstance(claimed.faults, tuple)
