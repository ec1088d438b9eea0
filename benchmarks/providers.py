"""Every provider's primary path, the CI-suite mix, start-up time, memory per stored payment and
the pytest fixture's cost per test, against the bare aiohttp baseline measured in the same run;
plus the webhook path (``benchmarks/webhooks.py``) and purchase latency with stored state
(``benchmarks/stored_state.py``), each against its own baseline.

    python -m benchmarks.providers [--duration 8] [--connections 32] [--payments 100000]
                                   [--deliveries 10000]

Workloads run the project's own clients (``benchmarks/load.py``) in a separate process, because
their requests are signed or depend on earlier answers; the baseline is loaded by the same
generator. Writes ``benchmarks/results/<UTC time>.json`` and the README's chart
``docs/images/performance.png``, and prints a table; the numbers carry the machine they came
from (cores, load average).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from tempfile import TemporaryDirectory
from typing import Any

from .fixture import per_test_ms
from .footprint import memory_per_payment, start_times
from .report import write_results
from .run import HERE, cpu_seconds, free_port, start, wait_ready

WORKLOADS = {
    "tranzzo": "Tranzzo purchase",
    "fiserv": "Fiserv sale (signed)",
    "macropay": "Macropay order + pay",
    "payworks": "payworks register + execute",
    "paymentz": "Paymentz token + payment",
    "ci-mix": "CI suite mix",
}


@dataclass
class Row:
    workload: str
    store: str
    units_per_second: float
    requests_per_second: float
    ratio: float
    p50_ms: float
    p99_ms: float
    errors: int
    #: The server's CPU time per request (robust to other work on a shared machine).
    cpu_us_per_request: float


def generate(url: str, workload: str, args: argparse.Namespace) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", url, workload,
         "--duration", str(args.duration), "--connections", str(args.connections)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("JSON "))
    return json.loads(line.removeprefix("JSON "))


def loaded(url: str, workload: str, args: argparse.Namespace, pid: int) -> dict[str, float]:
    """``generate``, plus the CPU time the server process ``pid`` spent meanwhile."""
    before = cpu_seconds(pid)
    raw = generate(url, workload, args)
    return {**raw, "cpu_s": cpu_seconds(pid) - before}


def row(workload: str, store: str, raw: dict[str, float], base: float) -> Row:
    seconds = raw["duration_us"] / 1e6
    return Row(
        workload=WORKLOADS.get(workload, workload),
        store=store,
        units_per_second=round(raw["units"] / seconds),
        requests_per_second=round(raw["requests"] / seconds),
        ratio=round(raw["requests"] / seconds / base, 3) if base else 1.0,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=int(raw["errors"]),
        cpu_us_per_request=round(raw["cpu_s"] * 1e6 / max(1, raw["requests"]), 1),
    )


def json_rows(module: str, *options: str) -> list[dict[str, Any]]:
    """The report rows another benchmark module prints with ``--json``."""
    result = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *options, "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("JSON "))
    rows: list[dict[str, Any]] = json.loads(line.removeprefix("JSON "))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=10_000, help="webhooks due at once")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--stores", default="memory,sqlite")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows: list[Row] = []
    port = free_port()
    baseline = start([sys.executable, str(HERE / "baseline.py"), str(port), "1000"])
    try:
        wait_ready(f"http://127.0.0.1:{port}/")
        raw = loaded(f"http://127.0.0.1:{port}", "baseline", args, baseline.pid)
        base = raw["requests"] / (raw["duration_us"] / 1e6)
        rows.append(row("bare aiohttp baseline", "-", raw, base))
    finally:
        baseline.terminate()
        baseline.wait(10)
    with TemporaryDirectory() as scratch:
        stores = {"memory": "memory://", "sqlite": f"sqlite:///{scratch}/bench.db"}
        for name in args.stores.split(","):
            port = free_port()
            server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve",
                            "--port", str(port), "--store", stores[name]])  # fmt: skip
            try:
                url = f"http://127.0.0.1:{port}"
                wait_ready(f"{url}/_sandbox/health")
                for workload in args.workloads.split(","):
                    raw = loaded(url, workload, args, server.pid)
                    rows.append(row(workload, name, raw, base))
            finally:
                server.terminate()
                server.wait(10)
        extra: list[dict[str, Any]] = []
        for name in args.stores.split(","):
            extra += json_rows("webhooks", "--store", name, "--deliveries", str(args.deliveries))
        extra += json_rows(
            "stored_state", "--payments", str(args.payments), "--stores", args.stores
        )
        footprint = {
            **start_times(),
            "fixture_ms_per_test": per_test_ms(500),
            "memory_per_payment_bytes": {
                "memory": memory_per_payment("memory://", args.payments),
                "sqlite": memory_per_payment(f"sqlite:///{scratch}/rss.db", args.payments),
            },
        }
    machine = {
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    settings = {"duration_s": args.duration, "connections": args.connections}
    write_results([asdict(r) for r in rows] + extra, footprint, machine, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
