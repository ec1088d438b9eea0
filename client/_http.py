"""The small HTTP core the clients share: a base URL, default headers, JSON in and out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import aiohttp


class TransportError(Exception):
    """No usable HTTP answer: connection refused or reset, timeout, or a body that is not JSON."""


class HttpAnswer:
    def __init__(self, status: int, headers: Mapping[str, str], text: str) -> None:
        self.status = status
        self.headers = headers
        self.text = text

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as error:
            raise TransportError(f"HTTP {self.status}: not JSON: {self.text[:200]!r}") from error


class HttpCore:
    """One aiohttp session per client (created on first use, closed by ``close``)."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = session
        self._owns_session = session is None

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> HttpAnswer:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.request(
                method,
                self.base_url + path,
                data=body,
                headers={**self.headers, **(headers or {})},
                params=params,
                allow_redirects=follow_redirects,
            ) as answer:
                text = await answer.text()
                return HttpAnswer(answer.status, dict(answer.headers), text)
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TransportError(f"{method} {path}: {type(error).__name__}: {error}") from error

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None


class AsyncClient:
    """Base of the clients: one HttpCore, closed when the client is (``async with``)."""

    _http: HttpCore

    async def close(self) -> None:
        await self._http.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()
