"""The pytest plugin's admin token (``--sandbox-token``, PSP_SANDBOX_ADMIN_TOKEN): the in-process
sandbox requires the token it is given, a running one is sent it, and a wrong one is one clear
failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.process import ServeProcess

pytestmark = pytest.mark.slow

PLUGINS_OFF = ["-p", "no:xdist", "-p", "no:cacheprovider"]

A_USERS_TEST = """
import httpx


def test_the_admin_api_answers_the_token_only(sandbox):
    url = sandbox.url + "/_sandbox/payments"
    assert httpx.get(url, headers=sandbox.headers).status_code == 401
    assert httpx.get(url, headers=sandbox.admin_headers).json()["payments"] == []
    assert sandbox.admin.payments() == []
"""


def users_run(
    where: Path, args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    (where / "test_users.py").write_text(A_USERS_TEST)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PSP_SANDBOX_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *PLUGINS_OFF, *args],
        cwd=where,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--sandbox-token", "a-users-admin-token-01"], {}),
        ([], {"PSP_SANDBOX_ADMIN_TOKEN": "a-users-admin-token-02"}),
    ],
)
def test_the_in_process_sandbox_requires_the_token_it_is_given(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    result = users_run(tmp_path, args, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_a_running_sandbox_is_sent_the_token_and_a_wrong_one_fails_clearly(
    tmp_path: Path,
) -> None:
    token = "a-running-sandboxs-token-03"
    with ServeProcess("--store", "memory://", env={"PSP_SANDBOX_ADMIN_TOKEN": token}) as server:
        remote = ["--sandbox-url", server.url]
        sent = users_run(tmp_path, remote, {"PSP_SANDBOX_ADMIN_TOKEN": token})
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert "1 passed" in sent.stdout
        wrong = users_run(tmp_path, [*remote, "--sandbox-token", "not-the-token-of-it-04"], {})
    assert wrong.returncode == 1
    assert f"the sandbox at {server.url} refused its admin token" in wrong.stdout
    assert "give the one it was started with as --sandbox-token" in wrong.stdout
