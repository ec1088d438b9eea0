"""The webhook benchmark delivers every webhook it queues, in both its phases, on both stores
(a smoke test with tiny counts: timing is measured by ``make bench``, never here)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from benchmarks.webhooks import rows, run

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_every_queued_webhook_arrives_in_the_burst_and_in_the_steady_stream(
    store: str, tmp_path: Path
) -> None:
    args = argparse.Namespace(
        deliveries=24,
        tenants=3,
        rate=20,
        seconds=0.5,
        delay=1,
        concurrency=4,
        profile=None,
        workers=1,
    )
    results = run(store, args, str(tmp_path))
    assert (results["bare"].deliveries, results["burst"].deliveries) == (24, 24)
    assert (results["burst"].missing, results["steady"].missing) == (0, 0)
    assert results["steady"].deliveries == 10
    [burst, steady] = rows(results, store)
    assert burst["workload"] == "webhooks: 24 due at once"
    assert (burst["errors"], steady["errors"]) == (0, 0)
