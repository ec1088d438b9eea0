"""An in-process sandbox on a free port, served from its own thread and event loop, so that
synchronous tests (Hypothesis state machines) and async tests can both talk to it over HTTP."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from aiohttp import web

from ..app import create_app
from ..appkeys import CONTEXT
from ..context import SandboxContext
from ..settings import Settings


class SandboxServer:
    def __init__(self, settings: Settings | None = None, **overrides: object) -> None:
        base = settings or Settings(store="memory://", port=0)
        self.settings = base.model_copy(update={"port": 0, **overrides})
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def context(self) -> SandboxContext:
        """The running sandbox's parts (for white-box checks; call them on ``run``)."""
        assert self._runner is not None, "not started"
        return self._runner.app[CONTEXT]

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(target=self._serve, name="psp-sandbox", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the sandbox did not start within 30 s")
        if self._error is not None:
            raise RuntimeError("the sandbox failed to start") from self._error
        return self

    def run(self, coroutine: object) -> object:
        """Run a coroutine on the sandbox's own loop and wait for its result."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(60)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(30)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self._runner = web.AppRunner(create_app(self.settings), access_log=None)
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.settings.host, 0)
            loop.run_until_complete(site.start())
            host, port = self._runner.addresses[0][:2]
            self.url = f"http://{host}:{port}"
        except BaseException as error:  # reported to the starting thread
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
