"""Run a scenario file from a test: ``run_scenario("tranzzo/3ds-abandoned", sandbox)``."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..scenarios import Report, load_scenario
from ..scenarios import run_scenario as run
from ..scenarios.library import locate
from .plugin import Sandbox


def run_scenario(scenario: str | Path, sandbox: Sandbox, *, check: bool = True) -> Report:
    """Run a scenario file (a path, or ``provider/name`` of a shipped one) in the test's
    tenant; with ``check``, a failed step fails the test with the whole report. Works from
    sync and async tests alike (it runs on a thread of its own)."""
    loaded = load_scenario(locate(str(scenario)))
    with ThreadPoolExecutor(1) as thread:
        report = thread.submit(asyncio.run, run(loaded, sandbox.url, sandbox.tenant)).result()
    if check and not report.passed:
        raise AssertionError(report.summary())
    return report
