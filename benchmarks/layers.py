"""Where a Tranzzo purchase's CPU goes, layer by layer: py-spy samples of the event loop while
``wrk`` loads the sandbox, each sample charged to the deepest sandbox layer on its stack.

    python -m benchmarks.layers [--store sqlite] [--duration 10] [--raw FILE]

What the journal, the activity log, the engine, the request body and the answer call counts for
them (the journal masks with the processor's helpers), except the store: a sample in the store
counts as ``store`` whoever called it. Library frames (pydantic, logging, zstandard) count for
the layer that called them; a sample with no sandbox frame is aiohttp and the event loop.

py-spy samples time the event loop was not waiting for work, not CPU time: a ``send`` that wakes
the sleeping load generator costs a virtual machine far more time than CPU. So each layer is
given as the event loop's time per purchase, beside the server's CPU per purchase.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.report import print_table
from benchmarks.run import cpu_seconds, ensure_wrk, sandbox, wrk

HTTP = "aiohttp and the event loop (parse, route, write)"
#: Samples per second.
RATE = 250

#: The sandbox's layers, by the path of a frame's module; a frame in none of them (the
#: engine's money helpers, the app's middlewares) counts for the layer that called it.
LAYERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("warm-up after start (still building models)", re.compile(r"/simulator/warmup\.py")),
    (
        "journal (masking the excerpts, its own unit of work)",
        re.compile(r"^_record \(.*/simulator/journal/|/simulator/journal/(masking|writer)\.py"),
    ),
    ("activity log (one line per payment)", re.compile(r"/simulator/services/activity\.py")),
    ("engine (decide, invariants)", re.compile(r"/simulator/engine/decide\.py")),
    ("store (find, encode, pack, commit)", re.compile(r"/simulator/store/")),
    ("request body (JSON, wire model)", re.compile(r"/providers/(bodies|amounts)\.py")),
    ("answer (render, serialise)", re.compile(r"/providers/\w+/render\.py|json_response")),
    (
        "service (locks, reruns, queued outcomes, clocks)",
        re.compile(r"/simulator/services/(?!activity)"),
    ),
    (
        "provider (auth, faults, card, ids, mapping)",
        re.compile(r"/simulator/(providers|outcomes)/|/simulator/(ids|origins|connections)\.py"),
    ),
)


STORE = LAYERS[4][0]
#: Layers that own what they call (the journal masks with the processor's ``mask``, a wire
#: model validates amounts with the engine's money helpers) but for the store.
WHOLE = {name for name, _ in LAYERS[:7]} - {STORE}


def layer_of(stack: str) -> str | None:
    """The layer a py-spy raw stack (frames root first, ``;``-separated) is charged to; None
    for a sample outside the event loop's thread."""
    frames = stack.split(";")
    if not any("_run_once" in frame for frame in frames):
        return None
    charged = HTTP
    for frame in frames:
        name = next((name for name, pattern in LAYERS if pattern.search(frame)), None)
        if name is not None and (charged not in WHOLE or name == STORE):
            charged = name
    return charged


def shares(raw_lines: Iterable[str]) -> Counter[str]:
    """Samples per layer from py-spy's raw (collapsed) output."""
    counts: Counter[str] = Counter()
    for line in raw_lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit() and (layer := layer_of(stack)) is not None:
            counts[layer] += int(count)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw samples in this file")
    args = parser.parse_args()
    ensure_wrk()
    with TemporaryDirectory() as scratch:
        store = "memory://" if args.store == "memory" else f"sqlite:///{scratch}/layers.db"
        raw = args.raw or Path(scratch) / "samples.txt"
        with sandbox(store) as (server, url):
            wrk(url, 3, args.connections)  # warm-up: every provider loaded, models built
            spy = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(server.pid),
                 "--duration", str(args.duration), "--rate", str(RATE), "--format", "raw",
                 "--output", str(raw), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            cpu_before = cpu_seconds(server.pid)
            load = wrk(url, args.duration, args.connections)
            cpu = cpu_seconds(server.pid) - cpu_before
            spy.wait(args.duration + 30)
        counts = shares(raw.read_text().splitlines())
    return report(counts, load["requests"], cpu, args)


def report(counts: Counter[str], requests: int, cpu: float, args: argparse.Namespace) -> int:
    total = sum(counts.values())
    if not total or not requests:
        print("py-spy took no sample of the event loop (is ptrace allowed here?)")
        return 1
    loop_us = total / RATE / requests * 1e6
    print_table(
        f"A Tranzzo purchase on the {args.store} store ({args.connections} connections): "
        f"{cpu * 1e6 / requests:.0f} µs of server CPU, {loop_us:.0f} µs of the event loop",
        ("layer", "share", "event loop µs per purchase"),
        (
            (layer, f"{100 * count / total:.1f} %", f"{loop_us * count / total:.0f}")
            for layer, count in counts.most_common()
        ),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
