"""``serve --workers N``: N sandbox processes on one port, started, restarted and stopped by
one supervisor.

Every worker listens on the same port with SO_REUSEPORT, so the kernel spreads connections
between them; they share the configured store, which holds every piece of state. The supervisor
reserves the port (resolving ``--port 0`` once for all), migrates the store before any worker
starts, restarts a worker that dies (and logs it), and on Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

from ..settings import Settings
from ..store import store_from_url

log = logging.getLogger("psp_sandbox.workers")

#: A worker that dies sooner than this after its start is restarted only after a pause.
_QUICK_DEATH = 2.0

Serve = Callable[[Settings, int], None]


def reserve_port(host: str, port: int) -> socket.socket:
    """A bound, not listening, SO_REUSEPORT socket: holds the port for the workers."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    holder = socket.socket(family, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((host, port))
    return holder


def follow_supervisor() -> None:
    """In a worker: stop (SIGTERM, a clean shutdown) when the supervisor dies, even by kill -9,
    so no worker outlives it holding the port."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def prepare_store(url: str) -> None:
    """Open the store once (creating or migrating its schema) before the workers race to."""

    async def open_and_close() -> None:
        store = store_from_url(url)
        await store.open()
        await store.close()

    asyncio.run(open_and_close())


class Supervisor:
    def __init__(self, settings: Settings, count: int, serve_one: Serve) -> None:
        self.settings = settings
        self.count = count
        self._serve_one = serve_one
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[tuple[BaseProcess, float]] = []
        self._stopping = False

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._workers = [self._start(index) for index in range(self.count)]
            while not self._stopping:
                sentinels = [process.sentinel for process, _ in self._workers]
                wait(sentinels, timeout=0.5)
                for index, (process, started) in enumerate(self._workers):
                    if process.is_alive() or self._stopping:
                        continue
                    log.warning(
                        "worker %d (pid %s) exited with code %s; restarting it",
                        index,
                        process.pid,
                        process.exitcode,
                    )
                    if time.monotonic() - started < _QUICK_DEATH:
                        time.sleep(_QUICK_DEATH)
                    self._workers[index] = self._start(index)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._shutdown()

    def _start(self, index: int) -> tuple[BaseProcess, float]:
        process = self._context.Process(
            target=self._serve_one, args=(self.settings, index), name=f"psp-sandbox-{index}"
        )
        process.start()
        return process, time.monotonic()

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def _shutdown(self) -> None:
        for process, _ in self._workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: aiohttp shuts the worker down cleanly
        deadline = time.monotonic() + 15
        for process, _ in self._workers:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
