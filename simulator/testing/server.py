"""An in-process sandbox on a free port, served from its own thread and event loop, so that
synchronous tests (Hypothesis state machines) and async tests can both talk to it over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from ..app import create_app
from ..appkeys import CONTEXT
from ..connections import server_options
from ..context import SandboxContext
from ..services.clock import utc_now
from ..settings import Settings
from ..store import shares_state
from .threaded import ThreadedApp

T = TypeVar("T")


class SandboxServer:
    """``real_now`` replaces the real clock the sandbox runs on (a pinned one makes every
    time it writes repeat from run to run)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        real_now: Callable[[], datetime] = utc_now,
        **overrides: object,
    ) -> None:
        base = settings or Settings(store="memory://", port=0)
        # Validated again, so that overrides meet the same rules as a served configuration.
        self.settings = Settings.model_validate({**base.model_dump(), **overrides, "port": 0})
        self._app = ThreadedApp(
            lambda: create_app(self.settings, real_now=real_now),
            "psp-sandbox",
            self.settings.host,
            **server_options(self.settings),
        )

    @property
    def url(self) -> str:
        return self._app.url

    @property
    def starts_empty(self) -> bool:
        """Its store lives in this process (``memory://``): it holds only what this server did."""
        return not shares_state(self.settings.store)

    @property
    def context(self) -> SandboxContext:
        """The running sandbox's parts (for white-box checks; call them through ``run``)."""
        assert self._app.runner is not None, "not started"
        return self._app.runner.app[CONTEXT]

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the sandbox's own loop and wait for its result."""
        return self._app.run(coroutine)

    def start(self) -> SandboxServer:
        self._app.start()
        return self

    def stop(self) -> None:
        self._app.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
