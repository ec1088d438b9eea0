"""Does latency grow with stored state? Tranzzo purchase p99 on an empty store and, on the same
server, once it holds ``--payments`` more, for the memory and SQLite stores, in one run.

    python -m benchmarks.stored_state [--payments 100000] [--duration 10] [--connections 64]

Each store gets one ``psp-sandbox serve``; ``wrk`` measures purchases on the empty store, then
fills it with purchases (wrk again, through the public API, until ``--payments`` more were
answered 200), then measures again. The server's resident memory is noted at each step, and so
is how long resetting one small tenant takes beside everything stored (its median of
``RESETS``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from .run import PURCHASE_HEADERS, ensure_wrk, free_port, measure, start, wait_ready, wrk

FILL_SECONDS = 10
RESETS = 5


@dataclass
class Row:
    store: str
    stored: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: float
    cpu_us_per_request: float
    #: Resetting a tenant of three payments, beside everything stored.
    reset_ms: float = 0.0


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return round(int(line.split()[1]) / 1024, 1)


def fill(url: str, count: int, connections: int) -> int:
    """Purchases through the API until ``count`` more were answered; how many were."""
    done = 0
    while done < count:
        result = wrk(url, FILL_SECONDS, connections)
        done += result["requests"] - result["non2xx"] - result["errors"]
    return done


def serve_and_measure(name: str, store: str, args: argparse.Namespace) -> list[Row]:
    port = free_port()
    server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve",
                    "--port", str(port), "--store", store])  # fmt: skip
    rows = []
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/_sandbox/health")
        stored = 0
        for target in (0, args.payments):
            if target:
                stored += fill(url, target - stored, args.connections)
            m = measure(name, url, args, server.pid)
            measured = round(m.requests_per_second * args.duration * args.runs)
            rows.append(
                Row(name, stored, m.requests_per_second, m.p50_ms, m.p99_ms,
                    m.errors + m.non_2xx, rss_mb(server.pid), m.cpu_us_per_request,
                    reset_ms(url))
            )  # fmt: skip
            stored += measured  # the measurement's own purchases are stored too (about)
    finally:
        server.terminate()
        server.wait(10)
    return rows


def reset_ms(url: str) -> float:
    """Median milliseconds to reset a tenant of three payments (made anew before each reset)."""
    times = []
    for run in range(RESETS):
        for n in range(3):
            _post(f"{url}/tranzzo/api/v1/payment", _PURCHASE | {"order_id": f"r-{run}-{n}"})
        began = time.perf_counter()
        _post(f"{url}/_sandbox/reset", {"tenant": _SMALL})
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1)


_SMALL = "bench-small-tenant"
_PURCHASE = {
    "pos_id": "7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b", "mode": "direct", "method": "purchase",
    "amount": 1, "currency": "UAH", "description": "reset probe", "order_3ds_bypass": "supported",
    "cc_number": "4242424242424242", "exp_month": 12, "exp_year": 30, "card_cvv": "123",
}  # fmt: skip


def _post(url: str, body: dict[str, object]) -> None:
    headers = {**PURCHASE_HEADERS, "X-Sandbox-Tenant": _SMALL}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()


def report_rows(rows: list[Row]) -> list[dict[str, object]]:
    """The ``make bench`` report's rows: ratio is requests/s against the same store empty."""
    empty = {r.store: r for r in rows if r.stored == 0}
    return [
        {
            "workload": f"Tranzzo purchase, {r.stored:,} stored" if r.stored else
                        "Tranzzo purchase, empty store",
            "store": r.store,
            "units_per_second": r.requests_per_second,
            "requests_per_second": r.requests_per_second,
            "ratio": round(r.requests_per_second / empty[r.store].requests_per_second, 3),
            "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms,
            "errors": r.errors,
            "cpu_us_per_request": r.cpu_us_per_request,
            "reset_ms": r.reset_ms,
        }
        for r in rows
    ]  # fmt: skip


def run(args: argparse.Namespace) -> list[Row]:
    ensure_wrk()
    rows: list[Row] = []
    with TemporaryDirectory() as scratch:
        stores = {"memory": "memory://", "sqlite": f"sqlite:///{scratch}/stored.db"}
        for name in args.stores.split(","):
            rows.extend(serve_and_measure(name, stores[name], args))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--stores", default="memory,sqlite")
    parser.add_argument("--json", action="store_true", help="print one JSON line of rows")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = run(args)
    if args.json:
        print("JSON " + json.dumps(report_rows(rows)))
        return 0
    print(f"\nTranzzo purchases, {args.connections} connections, wrk -t2, {args.duration} s; "
          f"load {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after\n")  # fmt: skip
    print(f"{'store':<8} {'stored':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'RSS MB':>8} {'CPU us/req':>11} {'reset ms':>9}")  # fmt: skip
    for r in rows:
        print(f"{r.store:<8} {r.stored:>9,} {r.requests_per_second:>8,.0f} {r.p50_ms:>8.1f} "
              f"{r.p99_ms:>8.1f} {r.errors:>7} {r.rss_mb:>8.1f} "
              f"{r.cpu_us_per_request:>11.0f} {r.reset_ms:>9.1f}")  # fmt: skip
    print([asdict(r) for r in rows])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
