"""Start to first 200, and resident memory per stored payment at 100 000 payments.

    python -m benchmarks.footprint start     (memory and SQLite store, bare aiohttp baseline)
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
import urllib.request
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory

from .run import HERE, free_port


def start_to_first_200(
    runs: int = 5, baseline: bool = False, store: str = "memory://", bytecode: bool = True
) -> float:
    """Median seconds from starting ``psp-sandbox serve`` on ``store`` (or, with ``baseline``,
    the bare aiohttp baseline) to its first 200 answer.

    A first start is not measured. With ``bytecode`` (the default) it compiles the modules'
    bytecode that the measured starts load, as they would from an installed wheel or any
    checkout run before; without, every start compiles the sources again (an editable install
    with ``PYTHONDONTWRITEBYTECODE``).
    """
    times = []
    with TemporaryDirectory() as scratch:
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        environment["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
        if not bytecode:
            environment["PYTHONDONTWRITEBYTECODE"] = "1"
        store = store.replace("{scratch}", scratch)
        for run in range(runs + 1):
            port = free_port()
            command = (
                [sys.executable, str(HERE / "baseline.py"), str(port)]
                if baseline
                else [sys.executable, "-m", "psp_sandbox.simulator.cli", "serve", "--port",
                      str(port), "--store", store]
            )  # fmt: skip
            path = "/" if baseline else "/_sandbox/health"
            began = time.perf_counter()
            server = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=environment
            )
            try:
                while True:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}"):
                            if run > 0:  # the first start only compiles and warms up
                                times.append(time.perf_counter() - began)
                            break
                    except OSError:
                        time.sleep(0.005)
            finally:
                server.terminate()
                server.wait(10)
    return round(statistics.median(times), 3)


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
    """Start to first 200 of the sandbox on each store and of the bare baseline, in one run."""
    return {
        "start_to_first_200_s": start_to_first_200(),
        "start_to_first_200_sqlite_s": start_to_first_200(store=SQLITE),
        "start_to_first_200_no_bytecode_s": start_to_first_200(bytecode=False),
        "baseline_start_to_first_200_s": start_to_first_200(baseline=True),
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
    else:
        print(asyncio.run(_fill(sys.argv[2], int(sys.argv[3]))))


if __name__ == "__main__":
    main()
