"""``psp-sandbox export`` and ``psp-sandbox import``, run as real processes against a real one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.cases.conftest import fill_tenant
from tests.process import ServeProcess

pytestmark = pytest.mark.slow


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psp_sandbox.simulator.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


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
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json at all")
    with ServeProcess("--store", "memory://") as server:
        newer = cli("import", str(broken), "--url", server.url)
        unreadable = cli("import", str(garbage), "--url", server.url)
        unknown = cli("export", "--tenant", "nobody", "--url", server.url)
    assert newer.returncode == 1
    assert "unsupported_version: this case is version 9" in newer.stderr
    assert unreadable.returncode == 1
    assert "invalid_case: not JSON" in unreadable.stderr
    assert unknown.returncode == 1
    assert "tenant_not_found: nothing is stored for tenant nobody" in unknown.stderr
    for result in (newer, unreadable, unknown):
        assert "Traceback" not in result.stderr
