"""The webhook path, towards a local receiver: how fast a backlog of due deliveries drains, and
how late deliveries that fall due one by one arrive; against a bare aiohttp client posting as
many bodies to the same receiver in the same run.

    python -m benchmarks.webhooks [--store memory] [--deliveries 10000] [--tenants 20]
                                  [--rate 100] [--seconds 10] [--profile FILE]
                                  [--workers N]

The sandbox (``psp-sandbox serve``) and the receiver (``benchmarks/receiver.py``) run in
processes of their own; only public APIs are used, and Tranzzo purchases name the receiver as
their ``server_url``.

- burst: for each of ``--tenants`` tenants a ``delay`` webhook fault holds its purchases'
  notifications a day back on the tenant clock; then every tenant's clock is advanced past the
  day at once: ``--deliveries`` are due together. A tenant's are due from the moment its
  advance is sent. Measured: delivered/s (lateness here is mostly the queue: the last of
  10 000 at 2 000/s is 5 s late by construction).
- steady: purchases at ``--rate`` per second for ``--seconds``, each notification held back
  ``STEADY_DELAY`` seconds (real time, the tenant clock has no offset), so deliveries fall due
  one by one with no request to wake the dispatcher (``--delay 0``: due as the purchase
  commits, which wakes it). Lateness is measured against each delivery's stored due time
  (read back through the admin API; these tenants' clocks never move), so a purchase's own
  latency is not counted. Measured: lateness p50/p99.

``--profile`` records the server with py-spy (raw collapsed stacks) during the burst, or during
the steady stream with ``--profile-phase steady``.
``--workers N`` (SQLite) serves with N processes sharing the store; CPU counts them all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

import aiohttp

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.client.tranzzo import Card as TranzzoCard

from .load import TRANZZO, VISA
from .run import HERE, cpu_seconds, free_port, start, wait_ready

#: Issue 14's targets for the webhook path.
RATE_TARGET = 2_000
LATENESS_P99_TARGET_MS = 50.0
#: How far back the delay fault holds each notification (tenant clock).
HELD_SECONDS = 86_400
#: How far back each notification of the steady stream is held (real seconds), by default.
STEADY_DELAY = 2
CARD = TranzzoCard(VISA, 12, 30, "123")


@dataclass
class Result:
    name: str
    deliveries: int
    per_second: float
    lateness_p50_ms: float
    lateness_p99_ms: float
    #: The sending process's CPU time per delivery (user + system); in the steady stream, per
    #: purchase and its delivery.
    cpu_us_per_delivery: float
    missing: int = 0


def quantile_ms(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0] * 1000, 1) if values else 0.0
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 1)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of process ``pid`` and of its living descendants (``--workers``)."""
    children = " ".join(
        task.joinpath("children").read_text() for task in Path(f"/proc/{pid}/task").iterdir()
    ).split()
    return cpu_seconds(pid) + sum(tree_cpu_seconds(int(child)) for child in children)


async def arrivals(receiver: str) -> dict[str, list[float]]:
    async with aiohttp.ClientSession() as http, http.get(f"{receiver}/arrivals") as answer:
        noted: dict[str, list[float]] = await answer.json()
        return noted


async def arrived(receiver: str, http: aiohttp.ClientSession) -> int:
    async with http.get(f"{receiver}/arrivals?count") as answer:
        return int((await answer.json())["count"])


async def wait_for(receiver: str, count: int, within: float) -> None:
    """Until the receiver has ``count`` arrivals, or ``within`` seconds passed (polled: the
    receiver is another process)."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if await arrived(receiver, http) >= count:
                return
            await asyncio.sleep(0.05)


async def forget_arrivals(receiver: str) -> None:
    async with aiohttp.ClientSession() as http, http.delete(f"{receiver}/arrivals"):
        pass


async def baseline(receiver: str, count: int, concurrency: int) -> Result:
    """A bare aiohttp client posting ``count`` webhook-sized bodies, ``concurrency`` at once:
    the most this receiver takes from one Python process."""
    await forget_arrivals(receiver)
    body = b"x" * 700
    numbers = iter(range(count))
    cpu_before = cpu_seconds(os.getpid())

    async def sender(http: aiohttp.ClientSession) -> None:
        for n in numbers:
            async with http.post(f"{receiver}/baseline/{n % 20}", data=body) as answer:
                await answer.read()

    began = time.time()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        await asyncio.gather(*(sender(http) for _ in range(concurrency)))
    cpu = cpu_seconds(os.getpid()) - cpu_before
    times = sorted(t for ts in (await arrivals(receiver)).values() for t in ts)
    late = [t - began for t in times]
    return Result(
        "bare aiohttp client",
        len(times),
        round(len(times) / (times[-1] - began)),
        quantile_ms(late, 50),
        quantile_ms(late, 99),
        round(cpu * 1e6 / max(1, len(times)), 1),
    )


async def queue_deliveries(sandbox: str, receiver: str, tenants: list[str], each: int) -> None:
    """For every tenant: a delay fault for its next ``each`` notifications, then ``each``
    purchases whose notifications go to the receiver."""
    for tenant in tenants:
        async with AsyncSandboxAdmin(sandbox, tenant) as admin:
            await admin.fault("delay", provider="tranzzo", count=each, seconds=HELD_SECONDS)

    async def purchases(tenant: str) -> None:
        headers = {"X-Sandbox-Tenant": tenant}
        url = f"{receiver}/hook/{tenant}"
        async with AsyncTranzzoClient(f"{sandbox}/tranzzo", TRANZZO, headers=headers) as client:
            for start_at in range(0, each, 16):
                await asyncio.gather(
                    *(
                        client.purchase(f"{tenant}-{n}", 1, "UAH", card=CARD, server_url=url)
                        for n in range(start_at, min(each, start_at + 16))
                    )
                )

    for first in range(0, len(tenants), 4):
        await asyncio.gather(*(purchases(t) for t in tenants[first : first + 4]))


async def deliver(sandbox: str, receiver: str, tenants: list[str], pid: int, total: int) -> Result:
    """Advance every tenant's clock past the held notifications at once; wait for them."""
    await forget_arrivals(receiver)
    due: dict[str, float] = {}
    cpu_before = tree_cpu_seconds(pid)

    async def advance(tenant: str) -> None:
        async with AsyncSandboxAdmin(sandbox, tenant, timeout=600) as admin:
            due[tenant] = time.time()
            await admin.advance_clock(HELD_SECONDS + 1)

    began = time.time()
    advances = asyncio.gather(*(advance(t) for t in tenants))
    await wait_for(receiver, total, within=300)
    await advances
    cpu = tree_cpu_seconds(pid) - cpu_before
    noted = await arrivals(receiver)
    late = [t - due[path.rsplit("/", 1)[1]] for path, ts in noted.items() for t in ts]
    count = len(late)
    last = max((t for ts in noted.values() for t in ts), default=began)
    return Result(
        "sandbox",
        count,
        round(count / max(1e-9, last - began)),
        quantile_ms(late, 50),
        quantile_ms(late, 99),
        round(cpu * 1e6 / max(1, count), 1),
        missing=total - count,
    )


async def steady(
    sandbox: str,
    receiver: str,
    rate: int,
    seconds: float,
    tenants: int,
    pid: int,
    delay: int = STEADY_DELAY,
) -> Result:
    """Purchases at ``rate`` per second, round the tenants, whose notifications fall due
    ``delay`` later. (Round the tenants: one tenant's queued fault taken by hundreds of
    purchases at once is contention on one document, which is not what this measures.)"""
    count = round(rate * seconds)
    names = [f"steady-{n:02}" for n in range(tenants)]
    for n, tenant in enumerate(names):
        async with AsyncSandboxAdmin(sandbox, tenant) as admin:
            share = len(range(n, count, tenants))
            await admin.fault("delay", provider="tranzzo", count=share, seconds=delay)
    await forget_arrivals(receiver)
    clients = [
        AsyncTranzzoClient(f"{sandbox}/tranzzo", TRANZZO, headers={"X-Sandbox-Tenant": tenant})
        for tenant in names
    ]
    cpu_before = tree_cpu_seconds(pid)
    began = time.time()

    async def purchase(n: int) -> None:
        order = f"steady-{n}"
        path = f"/hook/{names[n % tenants]}/{order}"
        await clients[n % tenants].purchase(
            order, 1, "UAH", card=CARD, server_url=f"{receiver}{path}"
        )

    pending = []
    for n in range(count):
        await asyncio.sleep(max(0.0, began + n / rate - time.time()))
        pending.append(asyncio.create_task(purchase(n)))
    await asyncio.gather(*pending)
    for client in clients:
        await client.aclose()
    await wait_for(receiver, count, within=delay + 60)
    cpu = tree_cpu_seconds(pid) - cpu_before
    noted = await arrivals(receiver)
    due = await stored_due(sandbox, names)
    late = [max(0.0, ts[0] - due[path]) for path, ts in noted.items()]
    return Result(
        "sandbox",
        len(late),
        round(len(late) / max(1e-9, max(t for ts in noted.values() for t in ts) - began - delay)),
        quantile_ms(late, 50),
        quantile_ms(late, 99),
        round(cpu * 1e6 / max(1, len(late)), 1),
        missing=count - len(late),
    )


async def stored_due(sandbox: str, tenants: list[str]) -> dict[str, float]:
    """Each delivery's due time as the sandbox stored it (real time: these tenants' clocks
    never move), by the receiver path it was sent to."""
    due: dict[str, float] = {}
    for tenant in tenants:
        async with AsyncSandboxAdmin(sandbox, tenant) as admin:
            cursor = None
            while True:
                page = await admin.webhooks_page(limit=500, cursor=cursor)
                for delivery in page["webhooks"]:
                    path = "/" + delivery["url"].split("://", 1)[1].split("/", 1)[1]
                    due[path] = datetime.fromisoformat(delivery["due_at"]).timestamp()
                cursor = page["next_cursor"]
                if not cursor:
                    break
    return due


def profile(pid: int, output: str) -> subprocess.Popen[bytes]:
    """py-spy recording process ``pid`` (raw collapsed stacks) until it is sent SIGINT."""
    profiler = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid),
         "-f", "raw", "-r", "250", "-o", output],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(1)
    return profiler


def run(store: str, args: argparse.Namespace, scratch: str) -> dict[str, Result]:
    """The bare client, the burst and the steady stream against one sandbox process."""
    tenants = [f"hooks-{n:02}" for n in range(args.tenants)]
    each = args.deliveries // args.tenants
    total = each * args.tenants
    stores = {"memory": "memory://", "sqlite": f"sqlite:///{scratch}/webhooks.db"}
    receiver_port, sandbox_port = free_port(), free_port()
    receiver = start([sys.executable, str(HERE / "receiver.py"), str(receiver_port)])
    server = start([sys.executable, "-m", "psp_sandbox.simulator.cli", "serve",
                    "--port", str(sandbox_port), "--store", stores[store],
                    *(["--workers", str(args.workers)] if args.workers > 1 else [])])  # fmt: skip
    profiler: subprocess.Popen[bytes] | None = None
    try:
        receiver_url = f"http://127.0.0.1:{receiver_port}"
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        wait_ready(f"{receiver_url}/arrivals")
        wait_ready(f"{sandbox_url}/_sandbox/health")
        bare = asyncio.run(baseline(receiver_url, total, args.concurrency))
        asyncio.run(queue_deliveries(sandbox_url, receiver_url, tenants, each))
        if args.profile and args.profile_phase == "burst":
            profiler = profile(server.pid, args.profile)
        burst = asyncio.run(deliver(sandbox_url, receiver_url, tenants, server.pid, total))
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
            profiler = None
        if args.profile and args.profile_phase == "steady":
            profiler = profile(server.pid, args.profile)
        stream = asyncio.run(
            steady(
                sandbox_url,
                receiver_url,
                args.rate,
                args.seconds,
                args.tenants,
                server.pid,
                args.delay,
            )
        )
        return {"bare": bare, "burst": burst, "steady": stream}
    finally:
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(30)
        for process in (server, receiver):
            process.terminate()
            process.wait(10)


def rows(results: dict[str, Result], store: str) -> list[dict[str, object]]:
    """The results as rows of the ``make bench`` report: delivered/s in the units/s column,
    its share of the bare client's as the ratio, lateness in the p50/p99 columns."""
    bare, burst, stream = results["bare"], results["burst"], results["steady"]
    named = (
        (f"webhooks: {burst.deliveries:,} due at once", burst),
        (f"webhooks: falling due at {stream.per_second:,.0f}/s", stream),
    )
    return [
        {
            "workload": name,
            "store": store,
            "units_per_second": r.per_second,
            "requests_per_second": r.per_second,
            "ratio": round(r.per_second / bare.per_second, 3),
            "p50_ms": r.lateness_p50_ms,
            "p99_ms": r.lateness_p99_ms,
            "errors": r.missing,
            "cpu_us_per_request": r.cpu_us_per_delivery,
        }
        for name, r in named
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="memory", choices=("memory", "sqlite"))
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--rate", type=int, default=100, help="steady: purchases per second")
    parser.add_argument("--seconds", type=float, default=10, help="steady: for how long")
    parser.add_argument(
        "--delay", type=int, default=STEADY_DELAY, help="steady: seconds each webhook is held"
    )
    parser.add_argument("--concurrency", type=int, default=64, help="of the bare client")
    parser.add_argument("--workers", type=int, default=1, help="sandbox processes (SQLite)")
    parser.add_argument("--profile", help="py-spy raw output file for the sandbox (burst)")
    parser.add_argument(
        "--profile-phase",
        default="burst",
        choices=("burst", "steady"),
        help="what --profile records",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line of rows")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with TemporaryDirectory() as scratch:
        results = run(args.store, args, scratch)
    if args.json:
        print("JSON " + json.dumps(rows(results, args.store)))
        return 0
    burst, stream = results["burst"], results["steady"]
    print(f"\n{burst.deliveries:,} webhooks due at once ({args.tenants} tenants), then "
          f"{args.rate}/s falling due for {args.seconds:g} s; {args.store} store; load average "
          f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after\n")  # fmt: skip
    print(f"{'sender':<24} {'sent':>7} {'per s':>8} {'late p50 ms':>12} {'late p99 ms':>12} "
          f"{'CPU us each':>12}")  # fmt: skip
    for name, r in results.items():
        print(f"{name:<24} {r.deliveries:>7,} {r.per_second:>8,.0f} {r.lateness_p50_ms:>12.1f} "
              f"{r.lateness_p99_ms:>12.1f} {r.cpu_us_per_delivery:>12.0f}")  # fmt: skip
    missed = []
    if burst.per_second < RATE_TARGET:
        missed.append(f"burst: {burst.per_second:,.0f} deliveries/s (target {RATE_TARGET:,})")
    if stream.lateness_p99_ms > LATENESS_P99_TARGET_MS:
        missed.append(f"steady: lateness p99 {stream.lateness_p99_ms} ms (target 50 ms)")
    for name, r in results.items():
        if r.missing:
            missed.append(f"{name}: {r.missing} deliveries never arrived")
    print("\n" + ("targets met" if not missed else "missed:\n  " + "\n  ".join(missed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
