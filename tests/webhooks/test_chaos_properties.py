"""With any mix of webhook chaos and receiver failures, every final state is delivered at least
once (unless a fault dropped it, and the log says so), and the delivery log tells the truth:
its attempts are the requests the receiver got, answer for answer."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.client.tranzzo import TranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA, card

T = TypeVar("T")
DECLINED = card("4000000000000002")
_tenants = itertools.count()

faults = st.one_of(
    st.fixed_dictionaries({"kind": st.just("drop")}),
    st.fixed_dictionaries({"kind": st.just("delay"), "seconds": st.integers(1, 900)}),
    st.fixed_dictionaries({"kind": st.just("duplicate")}),
    st.fixed_dictionaries(
        {
            "kind": st.just("reorder"),
            "count": st.integers(2, 4),
            "order": st.sampled_from(["reverse", "shuffle"]),
            "seed": st.integers(0, 99),
        }
    ),
    st.fixed_dictionaries({"kind": st.just("timeout"), "attempts": st.integers(1, 2)}),
)


def until(probe: Callable[[], T], accept: Callable[[T], bool], within: float = 10.0) -> T:
    """Poll what the sandbox's threads do (never waiting for time itself to pass)."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if accept(value):
            return value
        assert time.monotonic() < deadline, f"still not there: {value!r}"
        time.sleep(0.01)


def settled(hooks: list[Any]) -> bool:
    """Nothing in flight, and nothing due now left unsent."""
    return all(h["state"] != "in_flight" for h in hooks)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chaos=st.lists(faults, max_size=5),
    refusals=st.lists(st.sampled_from([500, 503, 404]), max_size=4),
    approved=st.lists(st.booleans(), min_size=1, max_size=5),
)
def test_every_final_state_is_delivered_at_least_once_and_the_log_tells_the_truth(
    sandbox: Sandbox, chaos: list[dict[str, Any]], refusals: list[int], approved: list[bool]
) -> None:
    tenant = f"{sandbox.tenant}-{next(_tenants)}"
    with (
        WebhookSink() as sink,
        SandboxAdmin(sandbox.url, tenant) as admin,
        TranzzoClient(
            sandbox.base_url("tranzzo"), CREDENTIALS, headers={"X-Sandbox-Tenant": tenant}
        ) as tranzzo,
    ):
        for fault in chaos:
            admin.call("POST", "/faults", fault)
        sink.respond_with(*refusals)
        finals = {}
        for n, ok in enumerate(approved):
            paid = tranzzo.purchase(
                f"o-{n}", 10, "UAH", card=VISA if ok else DECLINED, server_url=sink.url_for()
            )
            finals[paid["payment_id"]] = "success" if ok else "failure"
        for _ in range(12):  # every retry of the schedule fits in twelve hours
            hooks = until(admin.webhooks, settled)
            if all(h["state"] in ("delivered", "dropped", "failed") for h in hooks):
                break
            admin.advance_clock(3600)
        hooks = until(admin.webhooks, settled)
        received = [
            (decode_webhook(d.form, CREDENTIALS.api_secret), d.answered) for d in sink.deliveries
        ]

    assert {h["state"] for h in hooks} <= {"delivered", "dropped"}
    for payment_id, status in finals.items():
        mine = [h for h in hooks if h["payment_id"] == payment_id]
        got = [answered for body, answered in received if body["payment_id"] == payment_id]
        assert {body["status"] for body, _a in received if body["payment_id"] == payment_id} <= {
            status
        }
        attempts = [a for h in mine for a in h["attempts"]]
        # The log tells the truth: one attempt per request the receiver got, same answers.
        assert Counter(a["status"] for a in attempts) == Counter(got)
        assert all(not h["attempts"] for h in mine if h["state"] == "dropped")
        for h in mine:
            if h["state"] == "delivered":
                last = h["attempts"][-1]
                assert 200 <= last["status"] < 300 and not last["timed_out"]
        if all(h["state"] == "dropped" for h in mine):
            assert got == []  # dropped by a fault, and the log says so
        else:  # delivered at least once: an answer that counted
            assert any(
                200 <= a["status"] < 300 and not a["timed_out"] for a in attempts if a["status"]
            )
