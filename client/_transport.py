"""How a client's calls reach the network, blocking or awaiting, from one implementation.

A call is written once, free of I/O, as a generator — a *flow* — that yields the HTTP requests
it needs and returns what their answers mean. ``SyncClient`` sends those requests with
``httpx.Client``, ``AsyncClient`` with ``httpx.AsyncClient``; ``blocking`` and ``awaiting`` turn
a flow into a method of each, with the flow's own signature::

    class TranzzoApi:                                     # the one implementation
        transport_error = TranzzoTransportError

        def refund(self, order_id: str, amount: int) -> Flow[Any]:
            answer = yield Request.with_json("POST", "/api/v1/refund", {...})
            return read(answer)

    class TranzzoClient(SyncClient[TranzzoApi]):          # client.refund("1", 30)
        refund = blocking(TranzzoApi.refund)

    class AsyncTranzzoClient(AsyncClient[TranzzoApi]):    # await client.refund("1", 30)
        refund = awaiting(TranzzoApi.refund)

A flow that needs several requests (fetch a token, then pay) yields each in turn, and flows
compose with ``yield from``. A flow that takes ``**kwargs`` marks ``self`` positional-only
(``def refund(self, /, order_id: str, **fields: Any)``) so that its signature carries over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar

import httpx

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request a flow wants sent; ``path`` is relative to the client's base URL."""

    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] | None = None
    follow_redirects: bool = True

    @classmethod
    def with_json(
        cls,
        method: str,
        path: str,
        body: Any,
        headers: Mapping[str, str] | None = None,
        *,
        follow_redirects: bool = True,
    ) -> Request:
        return cls(
            method,
            path,
            json.dumps(body).encode(),
            {"Content-Type": "application/json", **(headers or {})},
            follow_redirects=follow_redirects,
        )


class NotJson(ValueError):
    """An answer whose body is not the JSON it should be."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to a Request. ``headers`` look names up case-insensitively."""

    status: int
    headers: Mapping[str, str]
    text: str

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as error:
            raise NotJson(f"HTTP {self.status}: not JSON: {self.text[:200]!r}") from error


#: A call: yields Requests, is sent their Answers, returns its result.
Flow = Generator[Request, Answer, T]


class Api(Protocol):
    """What a provider's flows are methods of."""

    @property
    def transport_error(self) -> type[Exception]:
        """Raised, with the cause chained, when no answer arrives (refused, reset, timeout)."""
        ...


ApiT = TypeVar("ApiT", bound=Api)


class _Client(Generic[ApiT]):
    def __init__(
        self,
        api: ApiT,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.api = api
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.timeout = timeout

    def _arguments(self, request: Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "url": self.base_url + request.path,
            "content": request.body,
            "headers": {**self.headers, **request.headers},
            "params": request.params,
            "follow_redirects": request.follow_redirects,
        }

    def _failed(self, request: Request, error: Exception) -> Exception:
        cause = f"{type(error).__name__}: {error}"
        failure = self.api.transport_error(f"{request.method} {request.path}: {cause}")
        failure.__cause__ = error
        return failure


class SyncClient(_Client[ApiT]):
    """Sends flows blocking. ``with Client(...) as client:`` closes its connections at the
    end; ``http`` lends it an ``httpx.Client`` of your own (not closed by it)."""

    def __init__(
        self,
        api: ApiT,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        super().__init__(api, base_url, headers=headers, timeout=timeout)
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=timeout)

    def run(self, flow: Flow[T]) -> T:
        """Send each request the flow yields; return what it returns."""
        try:
            request = next(flow)
            while True:
                request = flow.send(self._send(request))
        except StopIteration as done:
            result: T = _result_of(done)
            return result

    def request(self, request: Request) -> Answer:
        """Send one request as it is and return its answer, whatever its status."""
        return self._send(request)

    def _send(self, request: Request) -> Answer:
        try:
            answer = self._http.request(**self._arguments(request))
        except httpx.HTTPError as error:
            raise self._failed(request, error) from error
        return Answer(answer.status_code, answer.headers, answer.text)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_Client[ApiT]):
    """Sends flows awaiting. ``async with Client(...) as client:`` closes its connections at
    the end; ``http`` lends it an ``httpx.AsyncClient`` of your own (not closed by it)."""

    def __init__(
        self,
        api: ApiT,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(api, base_url, headers=headers, timeout=timeout)
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout)

    async def run(self, flow: Flow[T]) -> T:
        """Send each request the flow yields; return what it returns."""
        try:
            request = next(flow)
            while True:
                request = flow.send(await self._send(request))
        except StopIteration as done:
            result: T = _result_of(done)
            return result

    async def request(self, request: Request) -> Answer:
        """Send one request as it is and return its answer, whatever its status."""
        return await self._send(request)

    async def _send(self, request: Request) -> Answer:
        try:
            answer = await self._http.request(**self._arguments(request))
        except httpx.HTTPError as error:
            raise self._failed(request, error) from error
        return Answer(answer.status_code, answer.headers, answer.text)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()


def _result_of(done: StopIteration) -> Any:
    if isinstance(done.value, Generator):
        raise TypeError("a flow returned another flow: write `return (yield from flow)`")
    return done.value


def blocking(
    flow: Callable[Concatenate[ApiT, P], Flow[T]],
) -> Callable[Concatenate[SyncClient[ApiT], P], T]:
    """A SyncClient method that runs ``flow`` (a method of the client's Api) to its result."""

    def method(self: SyncClient[ApiT], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.run(flow(self.api, *args, **kwargs))

    _describe(method, flow)
    return method


def awaiting(
    flow: Callable[Concatenate[ApiT, P], Flow[T]],
) -> Callable[Concatenate[AsyncClient[ApiT], P], Coroutine[Any, Any, T]]:
    """An AsyncClient method that runs ``flow`` (a method of the client's Api) to its result."""

    async def method(self: AsyncClient[ApiT], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self.run(flow(self.api, *args, **kwargs))

    _describe(method, flow)
    return method


def _describe(method: Callable[..., Any], flow: Callable[..., Any]) -> None:
    method.__name__ = method.__qualname__ = flow.__name__
    method.__doc__ = flow.__doc__
