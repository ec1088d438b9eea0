"""Start to first 200, and resident memory per stored payment at 100 000 payments.

    python -m benchmarks.footprint start     (memory and SQLite store, bare aiohttp baseline)
    python -m benchmarks.footprint start-ab OTHER_PYTHON   (this checkout against another)
    python -m benchmarks.footprint rss memory:// 100000

Memory: one real Tranzzo purchase is made through the HTTP app, then its stored payment is
saved again under new ids and references ``count`` times, in units of work of 1000, as the
service saves them; the growth of the process's resident set is divided by ``count``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory

from psp_sandbox.client.tranzzo import Card, TranzzoApi

from .load import TRANZZO, VISA
from .run import HERE, free_port

#: What a first request asks: the health check, or a Tranzzo purchase (its provider loaded
#: on first use, so that is counted too). The bare baseline answers either.
FIRST = ("health", "purchase")


def first_request(base: str, first: str, baseline: bool = False) -> urllib.request.Request:
    """The first request of a start: a GET of the health check, or a fresh Tranzzo purchase."""
    if first == "health":
        return urllib.request.Request(f"{base}{'/' if baseline else '/_sandbox/health'}")
    card = Card(VISA, 12, 30, "123")
    purchase = next(
        TranzzoApi(TRANZZO).purchase(f"start-{uuid.uuid4().hex[:24]}", 100, "UAH", card=card)
    )
    return urllib.request.Request(
        f"{base}/tranzzo{purchase.path}",
        data=purchase.body,
        headers=dict(purchase.headers),
        method=purchase.method,
    )


def start_to_first_200(
    runs: int = 5,
    baseline: bool = False,
    store: str = "memory://",
    bytecode: bool = True,
    first: str = "health",
) -> float:
    """Median seconds from starting ``psp-sandbox serve`` on ``store`` (or, with ``baseline``,
    the bare aiohttp baseline) to its first 200 answer to ``first`` (``FIRST``): it is sent
    again each time the port refuses it, and must then answer 200.

    A first start is not measured. With ``bytecode`` (the default) it compiles the modules'
    bytecode that the measured starts load (in the background too), as they would from an
    installed wheel or any checkout run before; without, every start compiles the sources
    again (an editable install with ``PYTHONDONTWRITEBYTECODE``).
    """
    times = []
    with TemporaryDirectory() as scratch:
        environment = _environment(scratch, bytecode)
        store = store.replace("{scratch}", scratch)
        _start(sys.executable, environment, first, store, baseline, WARM_UP_SECONDS)
        for _ in range(runs):
            times.append(_start(sys.executable, environment, first, store, baseline)[0])
    return round(statistics.median(times), 3)


def _environment(scratch: str, bytecode: bool) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
    if not bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


#: How long a warm-up start runs on after its first answer: what it loads in the background
#: is compiled too, as every module is in an installed wheel.
WARM_UP_SECONDS = 3.0


def _start(
    python: str,
    environment: dict[str, str],
    first: str,
    store: str,
    baseline: bool = False,
    linger: float = 0.0,
    cwd: str | None = None,
) -> tuple[float, float]:
    """Seconds from starting a server with ``python`` to its 200 to ``first``, and the CPU
    seconds the server had used by then (which other load on the machine disturbs less); the
    server is stopped ``linger`` seconds after. ``cwd``: where it runs; not a checkout, or
    ``-m`` imports the package found there whatever ``python`` is."""
    port = free_port()
    command = (
        [python, str(HERE / "baseline.py"), str(port)]
        if baseline
        else [python, "-m", "psp_sandbox.simulator.cli", "serve", "--port", str(port),
              "--store", store]
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    began = time.perf_counter()
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env=environment,
        cwd=cwd,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(first_request(base, first, baseline), timeout=30):
                    took = time.perf_counter() - began  # urlopen raises on anything but 2xx
                    cpu = _cpu_seconds(server.pid)
                time.sleep(linger)
                return took, cpu
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                if server.poll() is not None:
                    failed = f"{' '.join(command)} exited with {server.returncode}"
                    raise RuntimeError(failed) from None
                time.sleep(0.005)
    finally:
        server.terminate()
        server.wait(10)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` (every thread), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: The default store, in a file of the run's own.
SQLITE = "sqlite:///{scratch}/start.db"


def memory_per_payment(store: str, count: int) -> int:
    """Bytes of resident memory per stored payment, measured in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.footprint", "rss", store, str(count)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.split()[-1])


def start_times() -> dict[str, float]:
    """Start to first 200 of the sandbox on each store and of the bare baseline, in one run:
    to the health check, and to a Tranzzo purchase."""
    return {
        "start_to_first_200_s": start_to_first_200(),
        "start_to_first_purchase_200_s": start_to_first_200(first="purchase"),
        "start_to_first_200_sqlite_s": start_to_first_200(store=SQLITE),
        "start_to_first_purchase_200_sqlite_s": start_to_first_200(store=SQLITE, first="purchase"),
        "start_to_first_200_no_bytecode_s": start_to_first_200(bytecode=False),
        "baseline_start_to_first_200_s": start_to_first_200(baseline=True),
        "baseline_start_to_first_purchase_200_s": start_to_first_200(
            baseline=True, first="purchase"
        ),
    }


def start_ab(other: str, rounds: int = 10) -> dict[str, object]:
    """This checkout's sandbox (memory store) against the one the Python interpreter ``other``
    starts, and the bare baseline, alternately: after a warm-up start of each, every round
    starts each once per ``FIRST``. Medians and every run, in seconds: wall time, and the
    server's CPU time."""
    servers = {"this": sys.executable, "other": other, "baseline": sys.executable}
    times: dict[str, list[float]] = {f"{c}_{f}": [] for c in servers for f in FIRST}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    with TemporaryDirectory() as scratch:
        environment = _environment(scratch, bytecode=True)

        def start(server: str, first: str, linger: float = 0.0) -> tuple[float, float]:
            return _start(
                servers[server], environment, first, "memory://", server == "baseline",
                linger, scratch,
            )  # fmt: skip

        for server in servers:
            start(server, "health", linger=WARM_UP_SECONDS)
        for _ in range(rounds):
            for server in servers:
                for first in FIRST:
                    took, used = start(server, first)
                    times[f"{server}_{first}"].append(took)
                    cpu[f"{server}_{first}"].append(used)
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rounds": rounds,
        "median_s": {name: round(statistics.median(ts), 3) for name, ts in times.items()},
        "median_cpu_s": {name: round(statistics.median(ts), 3) for name, ts in cpu.items()},
        "runs_s": {name: [round(t, 3) for t in ts] for name, ts in times.items()},
    }


def _rss() -> int:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


async def _fill(store_url: str, count: int) -> int:
    from aiohttp.test_utils import TestClient, TestServer

    from psp_sandbox.simulator.app import create_app
    from psp_sandbox.simulator.appkeys import CONTEXT
    from psp_sandbox.simulator.settings import Settings

    from .load import TRANZZO

    app = create_app(Settings(store=store_url))
    async with TestClient(TestServer(app)) as http:
        body = {
            "pos_id": TRANZZO.pos_id, "mode": "direct", "method": "purchase", "amount": 100.5,
            "currency": "UAH", "description": "Benchmark order", "order_id": "rss-0",
            "order_3ds_bypass": "supported",
            "cc_number": "4242424242424242", "exp_month": 12, "exp_year": 30, "card_cvv": "123",
        }  # fmt: skip
        headers = {
            "X-API-AUTH": f"CPAY {TRANZZO.api_key}:{TRANZZO.api_secret}",
            "X-API-KEY": TRANZZO.endpoints_key,
        }
        answer = await http.post("/tranzzo/api/v1/payment", json=body, headers=headers)
        assert answer.status == 200, await answer.text()
        store = app[CONTEXT].store
        async with store.begin() as uow:
            template = await uow.get_payment((await answer.json())["payment_id"])
        assert template is not None
        gc.collect()
        before = _rss()
        for first in range(0, count, 1000):
            async with store.begin() as uow:
                for i in range(first, min(count, first + 1000)):
                    uow.save_payment(
                        replace(template, id=f"rss-copy-{i:07}", reference=f"rss-copy-{i}")
                    )
                await uow.commit()
        gc.collect()
        return (_rss() - before) // count


def main() -> None:
    if sys.argv[1] == "start":
        print(json.dumps(start_times(), indent=2))
    elif sys.argv[1] == "start-ab":
        print(json.dumps(start_ab(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10)))
    else:
        print(asyncio.run(_fill(sys.argv[2], int(sys.argv[3]))))


if __name__ == "__main__":
    main()
