"""Python function calls per Tranzzo purchase, layer by layer, beside the bare aiohttp
baseline's per request: a count that repeats closely whatever else the machine does, so a
change worth a few percent shows where CPU time drowns it in noise.

    python -m benchmarks.calls [--store sqlite] [--duration 3]

Each server runs under cProfile, switched on after a warm-up (SIGUSR1) and written out at the
end (SIGUSR2), while ``wrk`` loads it as ``benchmarks.run`` does. A call counts for the layer of
the function called, as ``benchmarks.layers`` names the layers; a call of a library or built-in
function counts for the layer that called it (one called from several layers is shared among
them in proportion to the calls each made), and, as there, the journal and the other layers but
the store own what they call. Nearly all of a purchase's CPU is the interpreter's
(docs/performance.md: "Where the floor is"), so halving the calls is what halving the CPU takes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import runpy
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from benchmarks.layers import HTTP, LAYERS, STORE, WHOLE
from benchmarks.report import print_table
from benchmarks.run import HERE, answer_size, ensure_wrk, free_port, start, wait_ready, wrk

#: A function in cProfile's statistics: (file, line, name).
Function = tuple[str, int, str]


def main() -> int:
    if sys.argv[1:2] == ["--profiled"]:
        return profiled(Path(sys.argv[2]), sys.argv[3:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    ensure_wrk()
    with TemporaryDirectory() as scratch:
        store = "memory://" if args.store == "memory" else f"sqlite:///{scratch}/calls.db"
        sandbox_port = free_port()
        sandbox = ["-m", "psp_sandbox.simulator.cli", "serve", "--port", str(sandbox_port),
                   "--store", store]  # fmt: skip
        stats = Path(scratch) / "sandbox.prof"
        with profiled_server(sandbox, stats, sandbox_port) as (pid, url):
            size = answer_size(url)  # before the profiler starts: no purchase is left uncounted
            purchases = count_under_load(pid, url, args)
        sandbox_calls = layered(pstats.Stats(str(stats)))
        baseline_port = free_port()
        baseline = [str(HERE / "baseline.py"), str(baseline_port), str(size)]
        stats = Path(scratch) / "baseline.prof"
        with profiled_server(baseline, stats, baseline_port) as (pid, url):
            requests = count_under_load(pid, url, args)
        baseline_calls = sum(layered(pstats.Stats(str(stats))).values())
    return report(sandbox_calls, purchases, baseline_calls, requests, args)


def profiled(output: Path, command: list[str]) -> int:
    """Run ``command`` (``-m module ...`` or ``script ...``) in this process, profiled from
    SIGUSR1 until SIGUSR2, which writes the statistics to ``output`` and ends it."""
    profile = cProfile.Profile()

    def stop(*_: Any) -> None:
        profile.disable()
        profile.dump_stats(str(output))
        os._exit(0)

    signal.signal(signal.SIGUSR1, lambda *_: profile.enable())
    signal.signal(signal.SIGUSR2, stop)
    if command[0] == "-m":
        sys.argv = [command[1], *command[2:]]
        runpy.run_module(command[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = command
        runpy.run_path(command[0], run_name="__main__")
    return 0


@contextmanager
def profiled_server(command: list[str], output: Path, port: int) -> Iterator[tuple[int, str]]:
    """The server ``command`` starts, run by ``profiled`` in a process of its own: its pid and
    URL; its statistics are in ``output`` once the block ends."""
    server = start([sys.executable, "-m", "benchmarks.calls", "--profiled", str(output), *command])
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(f"{url}/_sandbox/health")
        yield server.pid, url
        server.send_signal(signal.SIGUSR2)
        server.wait(30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)


def count_under_load(pid: int, url: str, args: argparse.Namespace) -> int:
    """Requests answered while the profiler ran, after an unprofiled warm-up."""
    wrk(url, 2, args.connections)  # every provider loaded, models built, caches warm
    os.kill(pid, signal.SIGUSR1)
    time.sleep(0.2)
    load = wrk(url, args.duration, args.connections)
    if load["non2xx"] or load["errors"]:
        raise SystemExit(f"{load['non2xx']} non-2xx answers, {load['errors']} errors under load")
    return load["requests"]


def layered(stats: pstats.Stats) -> Counter[str]:
    """Calls per layer (see the module's docstring): a function of no layer of its own is
    spread over its callers' layers, in proportion to the calls each made to it."""
    table: dict[Function, tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    spread: dict[Function, Counter[str]] = {}

    def own(function: Function) -> str | None:
        path, line, name = function
        frame = f"{name} ({path}:{line})"
        return next((layer for layer, pattern in LAYERS if pattern.search(frame)), None)

    def layers_of(function: Function, seen: frozenset[Function] = frozenset()) -> Counter[str]:
        """The share of ``function``'s calls each layer pays for."""
        if function in spread:
            return spread[function]
        callers = table.get(function, (0, 0, 0, 0, {}))[4]
        mine = own(function)
        shares: Counter[str] = Counter()
        for caller, edge in callers.items():
            if caller in seen:  # recursion: the outer call already paid
                continue
            for parent, share in layers_of(caller, seen | {function}).items():
                shares[_charge(parent, mine)] += share * _calls(edge)
        total = sum(shares.values())
        found = Counter({layer: n / total for layer, n in shares.items()}) if total else None
        spread[function] = found or Counter({mine or HTTP: 1.0})
        return spread[function]

    counts: Counter[str] = Counter()
    for function, (_cc, calls, _tt, _ct, callers) in table.items():
        if not callers:
            counts[own(function) or HTTP] += calls
        mine = own(function)
        for caller, edge in callers.items():
            for parent, share in layers_of(caller).items():
                counts[_charge(parent, mine)] += share * _calls(edge)
    return counts


def _charge(parent: str, own: str | None) -> str:
    """Who pays for a call: a whole layer owns what it calls but the store."""
    if parent in WHOLE and own != STORE:
        return parent
    return own or parent


def _calls(edge: tuple[Any, ...] | int) -> int:
    return edge[1] if isinstance(edge, tuple) else edge


def report(
    calls: Counter[str], purchases: int, baseline: float, requests: int, args: argparse.Namespace
) -> int:
    total = sum(calls.values())
    print_table(
        f"Python calls per Tranzzo purchase, {args.store} store: {total / purchases:.0f} "
        f"(bare aiohttp: {baseline / requests:.0f} per request)",
        ("layer", "calls per purchase", "share"),
        (
            (layer, f"{count / purchases:.0f}", f"{100 * count / total:.1f} %")
            for layer, count in calls.most_common()
        ),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
