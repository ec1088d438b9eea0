"""The benchmark's load generator drives every workload against a real sandbox without an error
(a smoke test with tiny counts: timing is measured by ``make bench``, never here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.load import Workloads, load
from psp_sandbox.simulator.testing.server import SandboxServer

WORKLOADS = [name for name in Workloads("x").units() if name != "baseline"]


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.mark.parametrize("workload", WORKLOADS)
async def test_every_workload_completes_units_without_errors(
    server: SandboxServer, workload: str
) -> None:
    result = await load(server.url, workload, duration=0.3, connections=2)
    assert result["errors"] == 0
    assert result["units"] >= 1
    assert result["requests"] >= result["units"]
