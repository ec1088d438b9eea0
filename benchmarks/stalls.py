"""The event loop's worst stall while a freshly started sandbox warms up in the background.

    python -m benchmarks.stalls [runs]

Each run is a fresh process (nothing imported yet) that starts the sandbox on a free port and
ticks the event loop every millisecond until the warm-up is done, recording how late each tick
came: while providers load, and after (models are built, faker is imported). It does so twice:
as the sandbox warms up (each provider imported in a worker thread), and importing the same
providers on the event loop itself, for comparison. Prints one JSON object: per way, the
median over runs of the worst and the 99th-percentile lateness in ms in each phase, and of
the warm-up's wall time.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

TICK = 0.001
WAYS = ("worker thread", "on the loop")


async def _ticking(
    done: asyncio.Future[None], loading: Callable[[], bool]
) -> dict[str, list[float]]:
    """How late each 1 ms tick came, in seconds, until ``done``: while ``loading()``, after."""
    lateness: dict[str, list[float]] = {"loading": [], "after": []}
    while not done.done():
        phase = "loading" if loading() else "after"
        due = time.perf_counter() + TICK
        await asyncio.sleep(TICK)
        lateness[phase].append(time.perf_counter() - due)
    return lateness


async def _measure(way: str) -> dict[str, float]:
    from aiohttp import web

    from psp_sandbox.simulator import app as sandbox_app
    from psp_sandbox.simulator.appkeys import CONTEXT
    from psp_sandbox.simulator.settings import Settings

    if way == "on the loop":
        real_warm_up = sandbox_app.warm_up

        async def on_the_loop(mounts: Any) -> None:
            for name in context.plugins:
                context.plugins[name]  # imported right here, holding the loop
                await asyncio.sleep(0)
            await real_warm_up(mounts)

        sandbox_app.warm_up = on_the_loop  # type: ignore[assignment]
    app = sandbox_app.create_app(Settings(store="memory://"))
    context = app[CONTEXT]
    runner = web.AppRunner(app)
    began = time.perf_counter()
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    warming = next(t for t in asyncio.all_tasks() if t.get_name() == "warm-up")
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    warming.add_done_callback(lambda _: done.set_result(None))
    plugins = context.plugins
    lateness = await _ticking(done, lambda: len(plugins.loaded()) < len(plugins))
    took = time.perf_counter() - began
    assert sorted(plugins.loaded()) == sorted(plugins)
    await runner.cleanup()
    measured = {"warm_up_s": took}
    for phase, ticks in lateness.items():
        ticks.sort()
        measured[f"{phase}_worst_ms"] = ticks[-1] * 1000 if ticks else 0.0
        measured[f"{phase}_p99_ms"] = ticks[int(len(ticks) * 0.99)] * 1000 if ticks else 0.0
    return measured


def stalls(runs: int = 5) -> dict[str, dict[str, float]]:
    """Median over ``runs`` fresh processes of each way's figures."""
    result: dict[str, dict[str, float]] = {}
    for way in WAYS:
        command = [sys.executable, "-m", "benchmarks.stalls", "--one", way]
        measured = [
            json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
            for _ in range(runs)
        ]
        result[way] = {
            key: round(statistics.median(m[key] for m in measured), 3) for key in measured[0]
        }
    return result


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(asyncio.run(_measure(sys.argv[2]))))
    else:
        print(json.dumps(stalls(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=2))


if __name__ == "__main__":
    main()
