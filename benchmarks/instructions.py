"""Machine instructions per Tranzzo purchase, beside the least a purchase costs on this stack
(``minimal.py``) and the bare aiohttp baseline's request, counted by valgrind's callgrind: a
measure of CPU work that repeats to half a percent whatever else a shared machine does, and
counts the C work (zstd, regexes, JSON) that ``benchmarks.calls`` cannot see. Work in the
kernel (SQLite's system calls) is not counted.

    python -m benchmarks.instructions [--store sqlite] [--requests 1500] [--steps]

Each server runs under callgrind with counting off while it starts, finishes its start-up
work and answers a warm-up (every provider loaded, caches warm); counting is switched on
(``callgrind_control -i on``) for exactly ``--requests`` requests, eight at a time, and off
again before the server stops. A request costs about fifty times its usual time there, so a
run takes a few minutes. ``--steps`` also counts the sandbox without whole steps of every
request (``without.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

import aiohttp

from benchmarks.report import print_table
from benchmarks.run import (
    HERE,
    PURCHASE_HEADERS,
    TARGETS,
    cpu_seconds,
    ensure_installed,
    free_port,
    purchase_answer,
    purchase_body,
    wait_ready,
)

#: Requests answered, uncounted, before counting starts.
WARM_UP = 300
#: The sandbox without whole steps (``without.py``), each row leaving out more.
WITHOUT = {
    "journal": "without the request journal",
    "journal,activity": "without it and the activity log",
    "journal,activity,queues": "without those and the fault and outcome queues",
    "journal,activity,queues,packing": "without those and packed records",
}
#: Requests in flight at once: enough for the sandbox's group commits to form, as under load.
CONCURRENCY = 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument(
        "--steps", action="store_true", help="also count purchases without whole steps"
    )
    args = parser.parse_args()
    ensure_installed("valgrind", "valgrind", "callgrind_control")
    with TemporaryDirectory() as scratch:
        answer = Path(scratch) / "answer.json"  # the sandbox's, for the other two to match
        servers = commands(args.store, Path(scratch), answer, WITHOUT if args.steps else {})
        counts: dict[str, float] = {}
        for name, command in servers.items():
            with counted_server(command, Path(scratch) / name) as server:
                if name == "sandbox":
                    answer.write_bytes(purchase_answer(server.url))
                server.count(partial(purchase, server.url), args.requests)
            counts[name] = server.per_request
    report(counts, args)
    return 0


#: A server's command line (``-m module ...`` or ``script ...``) for the port it listens on.
Command = Callable[[int], list[str]]


def commands(store: str, scratch: Path, answer: Path, without: Iterable[str]) -> dict[str, Command]:
    """The servers counted, in order: the sandbox (which writes ``answer``), the minimal one
    and the bare baseline (which read it), then the sandbox without each set of steps; each
    sandbox on a store of its own."""

    def serve(port: int, name: str = "sandbox") -> list[str]:
        url = "memory://" if store == "memory" else f"sqlite:///{scratch}/{name}.db"
        return ["serve", "--port", str(port), "--store", url]

    def sandbox(port: int) -> list[str]:
        return ["-m", "psp_sandbox.simulator.cli", *serve(port)]

    def minimal(port: int) -> list[str]:
        return [str(HERE / "minimal.py"), str(port), str(answer)]

    def baseline(port: int) -> list[str]:
        return [str(HERE / "baseline.py"), str(port), str(answer.stat().st_size)]

    def stripped(steps: str, port: int) -> list[str]:
        return [str(HERE / "without.py"), steps, *serve(port, steps.replace(",", "-"))]

    servers: dict[str, Command] = {"sandbox": sandbox, "minimal": minimal, "baseline": baseline}
    for steps in without:
        servers[steps] = partial(stripped, steps)
    return servers


def purchase(url: str, number: int) -> tuple[str, bytes]:
    """The numbered purchase: the baseline and the minimal server take the same requests."""
    return f"{url}/tranzzo/api/v1/payment", purchase_body(f"instructions-{number}")


def report(counts: dict[str, float], args: argparse.Namespace) -> None:
    """Each count, and as a multiple of the baseline's; the last row is what a purchase may
    cost at the store's throughput target (target x the baseline's throughput)."""
    target = TARGETS[args.store]
    bare = counts["baseline"]
    rows = (
        ("sandbox: Tranzzo purchase", counts["sandbox"]),
        *((f"  {WITHOUT[steps]}", counts[steps]) for steps in WITHOUT if steps in counts),
        ("the least a purchase costs on this stack (minimal.py)", counts["minimal"]),
        ("bare aiohttp, same-sized answer", bare),
        (f"a purchase at {target:.2f} of the baseline's throughput", bare / target),
    )
    print_table(
        f"Instructions per request ({args.requests} counted, {args.store} store)",
        ("server", "instructions per request", "times the baseline's"),
        ((name, f"{count / 1000:,.0f} k", f"{count / bare:.2f}") for name, count in rows),
    )


#: A request by its number: the URL to POST to and the body.
Request = Callable[[int], tuple[str, bytes]]


@dataclass
class Counted:
    """A server running under callgrind, and what was counted of it."""

    url: str
    pid: int
    requests: int = 0
    #: Known once the server has stopped and written its counts.
    instructions: int = 0

    def count(self, request: Request, n: int) -> None:
        """Answer a warm-up uncounted, then count the instructions of ``n`` requests."""
        asyncio.run(send(request, range(-WARM_UP, 0)))
        _counting(self.pid, "on")
        asyncio.run(send(request, range(n)))
        _counting(self.pid, "off")
        self.requests += n

    @property
    def per_request(self) -> float:
        return self.instructions / self.requests


@contextmanager
def counted_server(command: Command, output: Path) -> Iterator[Counted]:
    """The server ``command(port)`` starts (``-m module ...`` or ``script ...``) on a free port,
    under callgrind with counting off; its counts are read once the block ends and the server
    has stopped.

    The sandbox's webhook dispatcher and due-work scheduler poll the store five times a second,
    whatever the load; callgrind slows requests fifty-fold but not the clock, so those polls
    would add ~30 k instructions to each request counted. Here they poll once an hour."""
    port = free_port()
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no",
         f"--callgrind-out-file={output}.%p", sys.executable, *command(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PSP_SANDBOX_POLL_INTERVAL": "3600"},
    )  # fmt: skip
    try:
        counted = Counted(f"http://127.0.0.1:{port}", server.pid)
        wait_ready(f"{counted.url}/_sandbox/health", timeout=180)
        wait_idle(server.pid)
        yield counted
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    counted.instructions = total(Path(f"{output}.{server.pid}"))


async def send(request: Request, numbers: range) -> None:
    """POST each numbered request, ``CONCURRENCY`` at a time; any answer but 2xx stops it."""
    pending = iter(numbers)
    async with aiohttp.ClientSession() as session:

        async def client() -> None:
            for number in pending:
                url, body = request(number)
                async with session.post(url, data=body, headers=PURCHASE_HEADERS) as answer:
                    await answer.read()
                    if answer.status >= 300:
                        raise RuntimeError(f"{url} answered {answer.status}")

        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))


def wait_idle(pid: int, timeout: float = 600.0) -> None:
    """Wait for the server's start-up work to end: the sandbox answers once its port is open
    and goes on building (``warmup.py``), which under callgrind takes a minute or more and
    would be counted with the requests. Idle is a second with under a tenth of it on CPU."""
    deadline = time.monotonic() + timeout
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - used < 0.1:
            return
        used = now
    raise RuntimeError(f"the server (pid {pid}) was still busy after {timeout:.0f} s")


def _counting(pid: int, state: str) -> None:
    subprocess.run(["callgrind_control", "-i", state, str(pid)], check=True, capture_output=True)


def total(path: Path) -> int:
    """The instructions a callgrind output file counts: its ``totals:`` line (the ``summary:``
    line at its head says 0 when counting was switched on and off while it ran)."""
    counts = [
        int(line.split()[1])
        for line in path.read_text().splitlines()
        if line.startswith(("totals:", "summary:"))
    ]
    if not counts:
        raise ValueError(f"{path} counts no instructions")
    return max(counts)


if __name__ == "__main__":
    raise SystemExit(main())
