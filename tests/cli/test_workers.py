"""``serve --workers N``: N processes on one port and one store, restarted when one dies,
all stopped by one Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.process import ServeProcess
from tests.waiting import eventually

pytestmark = pytest.mark.slow


def health(url: str) -> dict:
    with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=5) as answer:
        return dict(json.load(answer))


def answering_pids(url: str, tries: int = 40) -> set[int]:
    """The workers that answered ``tries`` fresh connections (a connection that was waiting
    on a killed worker's socket is reset: those are skipped)."""
    pids = set()
    for _ in range(tries):
        try:
            pids.add(health(url)["pid"])
        except OSError:
            continue
    return pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_workers_share_one_port_a_dead_one_is_restarted_and_ctrl_c_stops_all(
    tmp_path: Path,
) -> None:
    serve = ServeProcess("--workers", "2", "--store", f"sqlite:///{tmp_path}/s.db").start()
    try:
        first = await eventually(lambda: answering_pids(serve.url), lambda p: len(p) == 2)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        after = await eventually(
            lambda: answering_pids(serve.url),
            lambda p: len(p) == 2 and victim not in p,
            within=60,
        )
        assert len(after & first) == 1  # the other worker kept serving
        assert serve.interrupt() == 0
        output = serve.output()
        assert f"worker 0 (pid {victim}) exited" in output or f"(pid {victim}) exited" in output
        await eventually(lambda: [alive(pid) for pid in after], lambda a: not any(a))
    finally:
        if serve.process is not None and serve.process.poll() is None:
            serve.kill()


def test_several_workers_need_a_store_that_processes_share() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "psp_sandbox.simulator.cli",
            "serve",
            "--workers",
            "2",
            "--store",
            "memory://",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "workers = 2 needs a store that processes share" in result.stderr
    assert "Traceback" not in result.stderr
