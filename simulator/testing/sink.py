"""A local webhook receiver: records every delivery, answers with the statuses (and delays)
a test chooses. Runs in its own thread, so any test can use it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl

from aiohttp import web

from .threaded import ThreadedApp


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: Mapping[str, str]
    body: bytes
    #: Status the sink answered with.
    answered: int
    received_at: float = field(default_factory=time.monotonic)

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode()))

    def json(self) -> object:
        return json.loads(self.body)


class WebhookSink:
    """With ``public_host`` (e.g. ``host.docker.internal``, for a sandbox in a container) the
    sink listens on every interface and its URLs name that host; by default it listens on
    127.0.0.1 only."""

    def __init__(self, public_host: str | None = None) -> None:
        self._deliveries: list[Delivery] = []
        self._answers: deque[tuple[int, float]] = deque()
        self._arrived = 0
        self._condition = threading.Condition()
        self._public_host = public_host
        # Answers held back by a delay are abandoned quickly when the sink stops.
        self._app = ThreadedApp(
            self._make_app,
            "webhook-sink",
            "0.0.0.0" if public_host else "127.0.0.1",
            shutdown_timeout=0.5,
        )

    # --- what tests call ------------------------------------------------------------------

    def respond_with(self, *statuses: int, delay: float = 0.0) -> None:
        """Answer the next deliveries with these statuses (then 200 again), each after
        ``delay`` seconds of real time."""
        with self._condition:
            self._answers.extend((status, delay) for status in statuses)

    @property
    def arrived(self) -> int:
        """Requests that reached the sink, including those still waiting out a delay."""
        with self._condition:
            return self._arrived

    @property
    def deliveries(self) -> list[Delivery]:
        with self._condition:
            return list(self._deliveries)

    @property
    def url(self) -> str:
        if self._public_host is None:
            return self._app.url
        return f"http://{self._public_host}:{self._app.url.rsplit(':', 1)[1]}"

    def url_for(self, path: str = "hook") -> str:
        return f"{self.url}/{path.lstrip('/')}"

    def wait_for(
        self, count: int, timeout: float = 10.0, where: Callable[[Delivery], bool] = lambda d: True
    ) -> list[Delivery]:
        """Block until ``count`` matching deliveries arrived (or fail after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                found = [d for d in self._deliveries if where(d)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook deliveries, got {len(found)}")
                self._condition.wait(left)

    async def received(
        self, count: int, seconds: float = 10.0, where: Callable[[Delivery], bool] = lambda d: True
    ) -> list[Delivery]:
        """``wait_for`` without blocking the event loop (for async tests)."""
        return await asyncio.to_thread(self.wait_for, count, seconds, where)

    # --- server -----------------------------------------------------------------------------

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        with self._condition:
            status, delay = self._answers.popleft() if self._answers else (200, 0.0)
            self._arrived += 1
            self._condition.notify_all()
        if delay:
            await asyncio.sleep(delay)
        with self._condition:
            self._deliveries.append(Delivery(request.path, dict(request.headers), body, status))
            self._condition.notify_all()
        return web.Response(status=status, text="ok" if status < 400 else "no")

    def start(self) -> WebhookSink:
        self._app.start()
        return self

    def stop(self) -> None:
        self._app.stop()

    def _make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._receive)
        return app

    def __enter__(self) -> WebhookSink:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
