"""The contract state machines, run with --target-url against two sandbox workers on one
PostgreSQL database: consecutive calls of one run land on either process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from psp_sandbox.simulator.testing.postgres import PostgresServer
from tests.process import ServeProcess

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("scale-contracts")]
ROOT = Path(__file__).resolve().parents[2]
LIFECYCLES = sorted(
    str(p) for p in (ROOT / "psp_sandbox" / "contracts").glob("*/test_order_lifecycle.py")
)


def test_every_lifecycle_state_machine_holds_against_two_workers_on_one_store(
    postgres: PostgresServer,
) -> None:
    with ServeProcess("--workers", "2", "--store", postgres.fresh_database()) as serve:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:xdist",
                "-p",
                "no:randomly",
                "-q",
                "--target-url",
                serve.url,
                "--target-is-sandbox",
                *LIFECYCLES,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PSP_CONTRACT_MAX_EXAMPLES": "4"},
        )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(LIFECYCLES)} passed" in result.stdout
