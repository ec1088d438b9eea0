"""The ``sandbox`` fixture gives each test its own HTTP client, all on one TLS context loaded
once per session (loading the CA bundle per test was most of the fixture's cost), and a tenant
that holds nothing when the test starts, also when the test runs again in the session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from psp_sandbox.simulator.testing.plugin import Sandbox, _tls_context

seen: list[httpx.Client] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_has_its_own_client_lent_to_its_admin(sandbox: Sandbox, round_: int) -> None:
    assert sandbox.http is not None
    assert sandbox.admin._http is sandbox.http
    assert not sandbox.admin._owns_http  # the fixture closes it, after the test
    assert all(client is not sandbox.http for client in seen)
    seen.append(sandbox.http)
    assert sandbox.admin.health()["status"] == "ok"


def test_the_tls_context_is_loaded_once() -> None:
    assert _tls_context() is _tls_context()


#: Runs every test but the last twice in one session, as rerun plugins (pytest-rerunfailures)
#: do: the session's fixtures, the in-process sandbox among them, stay up in between.
TWICE = """
from _pytest.runner import runtestprotocol

def pytest_runtest_protocol(item, nextitem):
    if nextitem is None:
        return None
    for _ in range(2):
        runtestprotocol(item, nextitem=nextitem, log=True)
    return True
"""
LEAVES_STATE = """
def test_leaves_its_clock_moved(sandbox):
    assert sandbox.admin.clock()["offset_seconds"] == 0
    sandbox.admin.advance_clock(60)


def test_last(sandbox):
    assert sandbox.admin.clock()["offset_seconds"] == 0
"""


def test_a_test_run_again_in_the_session_starts_from_an_empty_tenant(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(TWICE)
    (tmp_path / "test_twice.py").write_text(LEAVES_STATE)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "no:xdist", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "3 passed" in ran.stdout, ran.stdout
