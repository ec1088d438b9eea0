"""An aiohttp application served on a free port from a thread and event loop of its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from aiohttp import web

T = TypeVar("T")


class ThreadedApp:
    def __init__(
        self,
        make_app: Callable[[], web.Application],
        name: str,
        host: str = "127.0.0.1",
        shutdown_timeout: float = 60.0,
        **server_options: Any,
    ) -> None:
        self.url = ""
        self.runner: web.AppRunner | None = None
        self._make_app = make_app
        self._name = name
        self._host = host
        self._shutdown_timeout = shutdown_timeout
        self._server_options = server_options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self, timeout: float = 30.0) -> None:
        self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"{self._name} did not start within {timeout:g} s")
        if self._error is not None:
            raise RuntimeError(f"{self._name} failed to start") from self._error

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        """Run a coroutine on the app's own loop and wait for its result."""
        assert self._loop is not None, "not started"
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self.runner = web.AppRunner(
                self._make_app(),
                access_log=None,
                shutdown_timeout=self._shutdown_timeout,
                **self._server_options,
            )
            loop.run_until_complete(self.runner.setup())
            loop.run_until_complete(web.TCPSite(self.runner, self._host, 0).start())
            host, port = self.runner.addresses[0][:2]
            self.url = f"http://{host}:{port}"
        except BaseException as error:  # reported to the starting thread
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self.runner.cleanup())
            loop.close()
