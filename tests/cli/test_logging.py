"""What ``serve`` tells while it runs: a line per request that moved a payment and per webhook
attempt at INFO, JSON lines with ``--log-format json``, silence with ``-q`` — never a card
number."""

from __future__ import annotations

import json
import re
import time

import pytest

from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.client.tranzzo import TranzzoClient
from psp_sandbox.simulator.testing import WebhookSink
from tests.process import ServeProcess
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

pytestmark = pytest.mark.slow


def settled(url: str, within: float = 10.0) -> None:
    """Wait until the sandbox has recorded its webhook attempt (the receiver sees a delivery a
    moment before the sandbox records, then logs, its answer)."""
    deadline = time.monotonic() + within
    with SandboxAdmin(url) as admin:
        while not any(d["attempts"] and d["state"] != "in_flight" for d in admin.webhooks()):
            assert time.monotonic() < deadline, "the webhook attempt was never recorded"


def run_a_purchase(*flags: str) -> list[str]:
    """Serve with ``flags``, make one purchase with a webhook, stop; the log lines."""
    with WebhookSink() as sink, ServeProcess("--store", "memory://", *flags) as server:
        with TranzzoClient(f"{server.url}/tranzzo", CREDENTIALS) as tranzzo:
            tranzzo.purchase("log-1", 12.5, "UAH", card=VISA, server_url=sink.url_for())
        sink.wait_for(1)
        settled(server.url)
        assert server.interrupt() == 0
        output = server.output()
    assert VISA.number not in output
    return [line for line in output.splitlines() if not line.startswith(("psp-sandbox on", " "))]


def test_payment_changes_and_webhook_attempts_are_logged_one_line_each() -> None:
    lines = run_a_purchase()
    [change] = [line for line in lines if " payment tranzzo log-1 " in line]
    assert change.split(" payment tranzzo log-1 ")[1].split(" (")[0] == (
        "new -> CREATED -> CAPTURED"
    )
    assert " INFO " in change and "12.50 UAH" in change
    logged = [line for line in lines if line != "Press Ctrl-C to stop."]
    assert logged and all(re.match(r"[0-2][0-9]:[0-5][0-9]:[0-6][0-9] INFO ", x) for x in logged)

    [attempt] = [line for line in lines if " webhook " in line]
    assert "-> 200" in attempt


def test_json_logs_are_one_object_per_line_with_the_fields_spelt_out() -> None:
    lines = [line for line in run_a_purchase("--log-format", "json") if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    [captured] = [r for r in records if r.get("status") == "CAPTURED"]
    assert captured["level"] == "INFO"
    assert captured["reference"] == "log-1"
    assert (captured["amount_minor"], captured["currency"]) == (1250, "UAH")
    assert "timestamp" in captured
    [attempt] = [r for r in records if r["message"].startswith("webhook ")]
    assert (attempt["provider"], attempt["http_status"], attempt["attempt"]) == ("tranzzo", 200, 1)
    assert attempt["payment_id"] == captured["payment_id"]


def test_quiet_serve_logs_nothing_while_all_goes_well() -> None:
    assert run_a_purchase("-q") == ["Press Ctrl-C to stop."]
