"""The pytest plugin gives the in-process sandbox the admin token it is told, and sends it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PLUGINS_OFF = ["-p", "no:xdist", "-p", "no:cacheprovider"]

A_USERS_TEST = """
import httpx


def test_the_admin_api_answers_the_token_only(sandbox):
    url = sandbox.url + "/_sandbox/payments"
    assert httpx.get(url, headers=sandbox.headers).status_code == 401
    assert httpx.get(url, headers=sandbox.admin_headers).json()["payments"] == []
"""


def test_the_plugin_passes_its_admin_token_to_the_sandbox_and_the_tests(tmp_path: Path) -> None:
    (tmp_path / "test_users.py").write_text(A_USERS_TEST)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSP_SANDBOX_")}
    for given in (["--sandbox-admin-token", "a-users-admin-token-01"], []):
        token_env = {} if given else {"PSP_SANDBOX_ADMIN_TOKEN": "a-users-admin-token-02"}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", *PLUGINS_OFF, *given],
            cwd=tmp_path,
            env={**env, **token_env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 passed" in result.stdout
