"""Purchases/s with 1, 2 and 4 workers on SQLite and on PostgreSQL, next to one plain process
(memory store) and the bare aiohttp baseline, all measured in one run.

    python -m benchmarks.scale [--duration 10] [--runs 1] [--connections 64] [--workers 1,2,4]

Every configuration starts ``psp-sandbox serve --workers N`` on a fresh store (a new SQLite file,
a new database on a PostgreSQL server this script starts) and is loaded by ``wrk`` with Tranzzo
purchases, each with a fresh order_id. wrk itself runs on the same machine and takes its share of
the cores: on a 2-core machine 4 workers mostly measure contention.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from psp_sandbox.simulator.testing.postgres import PostgresServer

from .run import (
    Measurement,
    answer_size,
    ensure_wrk,
    free_port,
    measure,
    measure_baseline,
    start,
    wait_ready,
)


def serve(store: str, workers: int, args: argparse.Namespace, name: str) -> Measurement:
    port = free_port()
    server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve", "--port",
                    str(port), "--store", store, "--workers", str(workers)])  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/_sandbox/health", timeout=60)
        return measure(name, url, args)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    ensure_wrk()
    results: list[Measurement] = []
    with TemporaryDirectory() as scratch, ExitStack() as stack:
        postgres = PostgresServer().start()
        stack.callback(postgres.stop)
        results.append(serve("memory://", 1, args, "1 process, memory"))
        for workers in counts:
            store = f"sqlite:///{Path(scratch)}/bench-{workers}.db"
            results.append(serve(store, workers, args, f"{workers} worker(s), sqlite"))
        for workers in counts:
            store = postgres.fresh_database()
            results.append(serve(store, workers, args, f"{workers} worker(s), postgresql"))
        results.insert(0, measure_baseline(_probe_size(), args))
    report(results, args)
    return 0


def _probe_size() -> int:
    port = free_port()
    server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve", "--port",
                    str(port), "--store", "memory://"])  # fmt: skip
    try:
        wait_ready(f"http://127.0.0.1:{port}/_sandbox/health")
        return answer_size(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(10)


def report(results: list[Measurement], args: argparse.Namespace) -> None:
    base = results[0].requests_per_second
    alone = {m.name.split(", ")[-1]: m.requests_per_second for m in results if "1 worker" in m.name}
    print(f"\nTranzzo purchases on {os.cpu_count()} cores, {args.connections} connections, "
          f"wrk -t2, {args.duration} s x {args.runs} run(s) (median)\n")  # fmt: skip
    print(f"{'target':<28} {'req/s':>9} {'x base':>7} {'x 1 wkr':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'errors':>7}")  # fmt: skip
    for m in results:
        store = m.name.split(", ")[-1]
        scaling = f"{m.requests_per_second / alone[store]:>8.2f}" if store in alone else " " * 8
        print(f"{m.name:<28} {m.requests_per_second:>9,.0f} {m.requests_per_second / base:>7.2f} "
              f"{scaling} {m.p50_ms:>8.1f} {m.p99_ms:>8.1f} {m.errors + m.non_2xx:>7}")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
