"""``psp-sandbox trigger payworks``: the events of a charge the Test Card approves or declines."""

from __future__ import annotations

import pytest

from psp_sandbox.client.payworks import parse_event
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.process import run_cli as cli

pytestmark = pytest.mark.slow


def test_trigger_sends_the_transaction_events_of_payworks(webhook_sink: WebhookSink) -> None:
    for event, status in (
        ("transaction.succeeded", "APPROVED"),
        ("transaction.failed", "DECLINED"),
    ):
        result = cli("trigger", "payworks", event, "--forward-to", webhook_sink.url_for(event))
        assert result.returncode == 0, result.stderr
        [delivery] = [d for d in webhook_sink.deliveries if d.path == f"/{event}"]
        sent = parse_event(delivery.body)
        assert (sent["type"], sent["transaction"]["status"]) == (event, status)
    listed = cli("trigger", "--list").stdout
    assert any(
        "payworks" in line and "transaction.succeeded" in line for line in listed.splitlines()
    )
