"""``benchmarks/without.py`` serves the sandbox with whole steps switched off — what
``benchmarks.instructions --steps`` counts must really leave them out (a real process, seen
from outside)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.run import HERE, PURCHASE_HEADERS, free_port, purchase_body, wait_ready
from psp_sandbox.client.sandbox import SandboxAdmin

pytestmark = pytest.mark.xdist_group("processes")

TENANT = "without-steps"


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A sandbox served by ``without.py`` with the test's steps off; its URL and its log."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, str(HERE / "without.py"), request.param, "serve",
             "--port", str(port), "--store", "memory://"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(f"{url}/_sandbox/health", timeout=60)
            yield url, log
        finally:
            server.terminate()
            server.wait(20)


def purchase(url: str) -> httpx.Response:
    """The test's Tranzzo purchase (order ``without-1``) in the test's tenant."""
    return httpx.post(
        f"{url}/tranzzo/api/v1/payment",
        content=purchase_body("without-1"),
        headers={**PURCHASE_HEADERS, "X-Sandbox-Tenant": TENANT},
    )


@pytest.mark.parametrize(
    ("served", "kept"),
    [("packing", True), ("journal,activity,queues,packing", False)],
    indirect=["served"],
)
def test_a_step_acts_unless_switched_off(served: tuple[str, Path], kept: bool) -> None:
    """With the journal, activity log and queues kept, a queued 503 fires first and the
    purchase, made again, is journaled and logged; with them off, none of that happens."""
    url, log = served
    admin = SandboxAdmin(url, TENANT)
    admin.fault("error", provider="tranzzo", operation="payment", status=503)
    answer = purchase(url)
    assert answer.status_code == (503 if kept else 200), answer.text
    if kept:
        answer = purchase(url)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "success"
    payment = admin.find_payment("tranzzo", "without-1")
    assert bool(payment["requests"]) is kept
    assert ("payment tranzzo without-1" in log.read_text()) is kept
