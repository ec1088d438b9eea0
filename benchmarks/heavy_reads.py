"""Heavy admin reads must not stall the sandbox: the latency of Tranzzo purchases alone, and
while admin listings of a store of 100 000 payments run without a tenant, measured in one run.

    python -m benchmarks.heavy_reads [--payments 100000] [--duration 10] [--connections 16]

The SQLite store is filled directly, then ``psp-sandbox serve`` runs on it. While wrk sends
purchases, a reader pages through ``GET /_sandbox/payments?limit=1000`` (no tenant, newest
first) cursor after cursor; its page times are reported beside the purchases' p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from psp_sandbox.simulator.engine import Intent, Open, Policy, decide
from psp_sandbox.simulator.store import SqliteStore

from .run import Measurement, ensure_wrk, free_port, measure, start, wait_ready


async def fill(url: str, count: int) -> None:
    store = SqliteStore(url)
    await store.open()
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    template = decide(
        None, Open("p", "t", "tranzzo", "r", "UAH", 1000, Intent.SALE), Policy(), t0
    ).payment
    for start_at in range(0, count, 10_000):
        async with store.begin() as uow:
            for i in range(start_at, min(count, start_at + 10_000)):
                uow.save_payment(
                    replace(
                        template,
                        id=f"pay-{i:07}",
                        tenant=f"tenant-{i % 50}",
                        reference=f"order-{i}",
                        created_at=t0 + timedelta(seconds=i),
                    )
                )
            await uow.commit()
    await store.close()


def page_through(url: str, stop: threading.Event, times: list[float]) -> None:
    cursor = ""
    while not stop.is_set():
        started = time.perf_counter()
        query = f"?limit=1000{f'&cursor={cursor}' if cursor else ''}"
        with urllib.request.urlopen(f"{url}/_sandbox/payments{query}", timeout=60) as answer:
            cursor = json.load(answer)["next_cursor"] or ""
        times.append((time.perf_counter() - started) * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    args.runs = 1
    ensure_wrk()
    with TemporaryDirectory() as scratch:
        store = f"sqlite:///{Path(scratch)}/heavy.db"
        began = time.monotonic()
        asyncio.run(fill(store, args.payments))
        print(f"stored {args.payments:,} payments in {time.monotonic() - began:.1f} s")
        port = free_port()
        server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve", "--port",
                        str(port), "--store", store])  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_ready(f"{url}/_sandbox/health")
            alone = measure("purchases alone", url, args)
            stop, pages = threading.Event(), []
            reader = threading.Thread(target=page_through, args=(url, stop, pages))
            reader.start()
            try:
                busy = measure("purchases during heavy reads", url, args)
            finally:
                stop.set()
                reader.join()
        finally:
            server.terminate()
            server.wait(10)
    report(alone, busy, pages)
    return 0


def report(alone: Measurement, busy: Measurement, pages: list[float]) -> None:
    print(f"\n{'':<30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for m in (alone, busy):
        print(f"{m.name:<30} {m.requests_per_second:>9,.0f} {m.p50_ms:>8.1f} {m.p99_ms:>8.1f}")
    print(f"\np99 during heavy reads / p99 alone: {busy.p99_ms / alone.p99_ms:.2f}")
    if pages:
        print(f"pages of 1000 read: {len(pages)}, median {statistics.median(pages):.0f} ms, "
              f"slowest {max(pages):.0f} ms")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
