"""The README's payworks quickstart runs as it is, twice, against a fresh sandbox process."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.process import ServeProcess

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[3] / "README.md"


def quickstart() -> str:
    section = README.read_text().split("## Quickstart: payworks", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1)


def test_the_payworks_quickstart_runs_verbatim_twice(tmp_path: Path) -> None:
    script = quickstart()
    with ServeProcess("--store", "memory://", cwd=tmp_path) as sandbox:
        outputs = [
            subprocess.run(
                ["sh", "-c", script],
                env={**os.environ, "SANDBOX": sandbox.url},
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            ).stdout
            for _ in range(2)
        ]
    transactions = []
    for output in outputs:
        session, terminal, charge, refund = output.strip().split("\n")
        registered = json.loads(session)["data"]["transaction"]
        assert registered["status"] == "INITIALIZED"
        assert terminal.startswith(f"{sandbox.url}/_sandbox/terminal/")
        assert terminal.endswith(registered["identifier"])
        approved = json.loads(charge)["data"]
        assert (approved["identifier"], approved["status"]) == (
            registered["identifier"],
            "APPROVED",
        )
        refunded = json.loads(refund)["data"]
        assert (refunded["type"], refunded["status"], refunded["amount"]) == (
            "REFUND",
            "APPROVED",
            4,
        )
        transactions.append(registered["identifier"])
    assert transactions[0] != transactions[1]
