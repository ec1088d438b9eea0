"""``psp-sandbox export`` and ``psp-sandbox import``, run as real processes against a real one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from psp_sandbox.client.macropay import parse_notification
from psp_sandbox.client.paymentz import PaymentzError, parse_callback
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.cases.conftest import fill_tenant
from tests.process import ServeProcess
from tests.process import run_cli as cli
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

pytestmark = pytest.mark.slow


async def test_a_case_exported_and_imported_on_the_command_line_is_the_same_case(
    tmp_path: Path, webhook_sink: WebhookSink
) -> None:
    case = tmp_path / "case.json"
    with ServeProcess("--store", f"sqlite:///{tmp_path}/s.db") as server:
        await fill_tenant(server.url, "qa-1", webhook_sink)
        exported = cli("export", "--tenant", "qa-1", "--url", server.url)
        assert exported.returncode == 0, exported.stderr
        case.write_text(exported.stdout)
        assert cli("reset", "--url", server.url, "--tenant", "qa-1").returncode == 0
        imported = cli("import", str(case), "--tenant", "qa-2", "--url", server.url)
        again = cli("export", "--tenant", "qa-2", "--url", server.url, "-o", str(tmp_path / "2"))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("imported 4 payments, ")
    assert imported.stdout.rstrip().endswith("into tenant qa-2 (exported from qa-1)")
    assert again.returncode == 0, again.stderr
    copy = (tmp_path / "2").read_text()
    assert copy == exported.stdout.replace('"tenant": "qa-1"', '"tenant": "qa-2"')


def test_a_broken_case_file_fails_clearly_and_changes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "psp-sandbox/case", "version": 9, "tenant": "x"}')
    with ServeProcess("--store", "memory://") as server:
        newer = cli("import", str(broken), "--url", server.url)
        unknown = cli("export", "--tenant", "nobody", "--url", server.url)
    assert newer.returncode == 1
    assert "unsupported_version: this case is version 9" in newer.stderr
    assert unknown.returncode == 1
    assert "tenant_not_found: nothing is stored for tenant nobody" in unknown.stderr
    for result in (newer, unknown):
        assert "Traceback" not in result.stderr


async def test_listen_streams_a_tenants_payments_and_webhooks_until_interrupted(
    webhook_sink: WebhookSink,
) -> None:
    with ServeProcess("--store", "memory://") as server:
        command = ["listen", "--url", server.url, "--tenant", "qa-live", "--after", "0"]
        listener = subprocess.Popen(  # noqa: ASYNC220 (it runs beside the test, read in a thread)
            [sys.executable, "-m", "psp_sandbox.simulator.cli", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
        )
        try:
            async with AsyncTranzzoClient(
                f"{server.url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": "qa-live"}
            ) as tranzzo:
                await tranzzo.purchase(
                    "o-17", 100, "UAH", card=VISA, server_url=webhook_sink.url_for()
                )
            lines = await asyncio.to_thread(read_until, listener, "delivered")
        finally:
            listener.send_signal(signal.SIGINT)
            rest, _ = listener.communicate(timeout=10)
    assert lines[0].startswith("listening to tenant qa-live at ")
    payment = next(line for line in lines if line.startswith("payment"))
    assert "tranzzo" in payment and "o-17" in payment and "captured" in payment
    webhook = next(line for line in lines if "delivered" in line)
    assert webhook.startswith("webhook  tranzzo   purchase.success")
    assert "attempts 1, last: 200" in webhook
    assert listener.returncode == 0
    assert "Traceback" not in rest


def read_until(process: subprocess.Popen[str], word: str) -> list[str]:
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if word in line:
            return lines
    raise AssertionError(f"listen ended early: {lines}")


def test_trigger_sends_a_tranzzo_webhook_signed_with_the_given_secret(
    webhook_sink: WebhookSink,
) -> None:
    result = cli(
        "trigger", "tranzzo", "refund.success", "--forward-to", webhook_sink.url_for("hooks"),
        "--secret", "the-merchants-own-secret",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [delivery] = webhook_sink.deliveries
    operation = decode_webhook(delivery.form, "the-merchants-own-secret")
    assert (operation["method"], operation["status"], operation["amount"]) == (
        "refund",
        "success",
        30,
    )
    assert f"→ POST {webhook_sink.url_for('hooks')}  (tranzzo refund.success)" in result.stdout
    assert "← 200" in result.stdout


def test_trigger_sends_macropays_success_after_in_process(webhook_sink: WebhookSink) -> None:
    result = cli("trigger", "macropay", "payment.success", "--forward-to", webhook_sink.url_for())
    assert result.returncode == 0, result.stderr
    [delivery] = webhook_sink.deliveries
    message = parse_notification(delivery.body)
    assert (message["transactionType"], message["transactionStatus"]) == ("payment", "success")


def test_trigger_sends_a_paymentz_callback_y_with_its_checksum(webhook_sink: WebhookSink) -> None:
    secure_key = "the-members-own-secure-key"
    result = cli(
        "trigger",
        "paymentz",
        "DB.Y",
        "--forward-to",
        webhook_sink.url_for(),
        "--secret",
        secure_key,
    )
    assert result.returncode == 0, result.stderr
    [delivery] = webhook_sink.deliveries
    callback = parse_callback(delivery.body, secure_key)
    assert (callback["paymentType"], callback["transactionStatus"]) == ("DB", "Y")
    with pytest.raises(PaymentzError):
        parse_callback(delivery.body, "another-key")


def test_trigger_fails_clearly_when_the_endpoint_refuses_or_the_event_is_unknown(
    webhook_sink: WebhookSink,
) -> None:
    webhook_sink.respond_with(400)
    refused = cli("trigger", "tranzzo", "purchase.success", "--forward-to", webhook_sink.url_for())
    unknown = cli("trigger", "tranzzo", "purchase.maybe", "--forward-to", webhook_sink.url_for())
    assert refused.returncode == 1
    assert "tranzzo would count 400 as not delivered (and retry)" in refused.stderr
    assert unknown.returncode == 2
    assert "Tranzzo cannot send 'purchase.maybe'; it sends: purchase.success" in unknown.stderr
    assert len(webhook_sink.deliveries) == 1
    for result in (refused, unknown):
        assert "Traceback" not in result.stderr


def test_trigger_lists_what_every_provider_can_send() -> None:
    result = cli("trigger", "--list")
    assert result.returncode == 0
    for provider, event in (
        ("tranzzo", "purchase.success"),
        ("macropay", "payment.success"),
        ("paymentz", "DB.Y"),
    ):
        assert any(provider in line and event in line for line in result.stdout.splitlines())
    assert "sends no webhooks" in result.stdout
