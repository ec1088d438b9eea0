"""A local webhook receiver: records every delivery, answers with the statuses (and delays)
a test chooses. Runs in its own thread, so any test can use it."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl

from aiohttp import web


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
        import json

        return json.loads(self.body)


class WebhookSink:
    def __init__(self) -> None:
        self.url = ""
        self._deliveries: list[Delivery] = []
        self._answers: deque[tuple[int, float]] = deque()
        self._arrived = 0
        self._condition = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

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
        self._thread = threading.Thread(target=self._serve, name="webhook-sink", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the webhook sink did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    def __enter__(self) -> WebhookSink:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
