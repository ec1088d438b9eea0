"""Paging through 100 k stored payments: the admin API's payment list and the dashboard's pages,
against the health check measured in the same run.

    python -m benchmarks.listing [--payments 100000] [--requests 30]

A SQLite file is filled through the store (ten tenants, three providers, every status), then a
real ``psp-sandbox serve`` process answers; each request is timed over real HTTP and the medians
are compared with the health check's as ratios — absolute numbers vary from machine to machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from benchmarks.run import free_port, wait_ready
from psp_sandbox.simulator.engine import Intent, Open, PaymentStatus, Policy, decide
from psp_sandbox.simulator.store import SqliteStore

START = datetime(2026, 1, 1, tzinfo=UTC)
PROVIDERS = ("tranzzo", "fiserv", "macropay")
STATUSES = (PaymentStatus.CAPTURED,) * 6 + (
    PaymentStatus.DECLINED,
    PaymentStatus.AUTHORIZED,
    PaymentStatus.REFUNDED,
    PaymentStatus.PENDING,
)


async def fill(path: Path, count: int) -> str:
    """``count`` payments in the file; returns the id of one of them."""
    store = SqliteStore(f"sqlite:///{path}")
    await store.open()
    pick = random.Random(7)
    template = decide(
        None, Open("p", "t0", "tranzzo", "r", "EUR", 100, Intent.SALE), Policy(), START
    ).payment
    some_id = ""
    for first in range(0, count, 2000):
        async with store.begin() as uow:
            for n in range(first, min(first + 2000, count)):
                some_id = f"pay-{n:07d}"
                uow.save_payment(
                    replace(
                        template,
                        id=some_id,
                        tenant=f"t{n % 10}",
                        provider=PROVIDERS[n % 3],
                        reference=f"order-{n}",
                        amount=pick.randrange(100, 100_000),
                        status=pick.choice(STATUSES),
                        created_at=START + timedelta(seconds=n),
                        updated_at=START + timedelta(seconds=n),
                    )
                )
            await uow.commit()
    await store.close()
    return some_id


def median_ms(http: httpx.Client, url: str, requests: int) -> float:
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = http.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with TemporaryDirectory() as folder:
        path = Path(folder) / "listing.db"
        started = time.perf_counter()
        some_id = asyncio.run(fill(path, args.payments))
        print(f"stored {args.payments} payments in {time.perf_counter() - started:.1f} s")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = ["serve", "--port", str(port), "--store", f"sqlite:///{path}"]
        server = subprocess.Popen(
            [sys.executable, "-m", "psp_sandbox.simulator.cli", *serve], stdout=subprocess.DEVNULL
        )
        try:
            wait_ready(f"{base}/_sandbox/health")
            with httpx.Client(timeout=30) as http:
                deep = http.get(f"{base}/_sandbox/payments", params={"limit": 50})
                cursor = deep.json()["next_cursor"]
                for _ in range(99):  # the hundredth page
                    page = http.get(
                        f"{base}/_sandbox/payments", params={"limit": 50, "cursor": cursor}
                    )
                    cursor = page.json()["next_cursor"]
                cases = {
                    "health check (baseline)": "/_sandbox/health",
                    "payments, first page of 50": "/_sandbox/payments?limit=50",
                    "payments, page 100 by cursor": f"/_sandbox/payments?limit=50&cursor={cursor}",
                    "payments, declined only": "/_sandbox/payments?limit=50&status=declined",
                    "payments, one tenant, amount range": "/_sandbox/payments?limit=50&tenant=t3"
                    "&min_amount=50000&max_amount=60000",
                    "dashboard overview": "/_sandbox/ui/",
                    "dashboard, declined only": "/_sandbox/ui/?status=declined",
                    "dashboard tenant page": "/_sandbox/ui/tenants/t3",
                    "dashboard payment page": f"/_sandbox/ui/payments/{some_id}",
                }
                results = {
                    name: median_ms(http, base + url, args.requests) for name, url in cases.items()
                }
        finally:
            server.terminate()
            server.wait(10)
    baseline = results["health check (baseline)"]
    print(f"{'request':<40} {'median ms':>10} {'x health':>9}")
    for name, ms in results.items():
        print(f"{name:<40} {ms:>10.2f} {ms / baseline:>9.1f}")


if __name__ == "__main__":
    main()
