"""Signed provider calls and admin calls against one running sandbox, in one tenant — what
scenario files and sample events use to act as a merchant (and as QA)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from ...client.sandbox import admin_headers
from ..ids import Ids
from ..providers import PROVIDERS
from ..providers.base import TENANT_HEADER, ProviderPlugin
from ..services.clock import utc_now
from ..services.credentials import Credential
from .signing import MerchantRequest


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any
    text: str

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        try:
            body = response.json()
        except ValueError:
            body = None
        return cls(response.status_code, body, response.text)


def plugin_class(provider: str) -> type[ProviderPlugin]:
    """The plugin of a provider this sandbox serves (ValueError naming the known ones)."""
    for registration in PROVIDERS:
        if registration.name == provider:
            return registration.load()
    known = ", ".join(p.name for p in PROVIDERS)
    raise ValueError(f"no provider {provider!r}; known: {known}")


def default_credential(provider: str) -> Credential:
    return plugin_class(provider).default_credentials[0]


class Caller:
    """A merchant of every provider (with their default test credentials unless given others)
    and a QA person, in one tenant of the sandbox at ``url``.

    ``real_now`` is the time the sandbox runs on; request timestamps are signed with the
    tenant's time, which the caller follows as it moves the clock.
    """

    def __init__(
        self,
        url: str,
        tenant: str,
        *,
        token: str | None = None,
        credentials: Mapping[str, Credential] | None = None,
        real_now: Callable[[], datetime] = utc_now,
        seed: int | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.tenant = tenant
        self.credentials = dict(credentials or {})
        self.offset = timedelta(0)
        self._real_now = real_now
        self._ids = Ids(seed)
        self._sent = 0
        self._http = httpx.AsyncClient(timeout=timeout)
        self._admin_headers = admin_headers(tenant, token)

    def credential(self, provider: str) -> Credential:
        return self.credentials.get(provider) or default_credential(provider)

    async def provider(self, provider: str, method: str, path: str, body: Any = None) -> Answer:
        """A call to ``/<provider><path>``, authenticated as that provider wants."""
        data = b"" if body is None else json.dumps(body).encode()
        self._sent += 1
        request = MerchantRequest(
            method.upper(),
            path,
            data,
            self._real_now() + self.offset,
            self._ids.uuid("merchant-request", self.tenant, self._sent),
        )
        signed = plugin_class(provider).merchant_headers(self.credential(provider), request)
        headers = {TENANT_HEADER: self.tenant, **signed}
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = await self._http.request(
            request.method,
            f"{self.url}/{provider}{path}",
            content=data or None,
            headers=headers,
            follow_redirects=False,
        )
        return Answer.of(response)

    async def admin(self, method: str, path: str, body: Any = None) -> Answer:
        """A call to the admin API (``/_sandbox<path>``) in the caller's tenant."""
        response = await self._http.request(
            method.upper(),
            f"{self.url}/_sandbox{path}",
            json=body,
            headers=self._admin_headers,
        )
        answer = Answer.of(response)
        if path == "/clock" and answer.status == 200 and isinstance(answer.body, dict):
            self.offset = timedelta(seconds=float(answer.body["offset_seconds"]))
        return answer

    async def http_get(self, path: str) -> Answer:
        """A public GET under the sandbox root (a provider's OpenAPI document ...)."""
        return Answer.of(await self._http.get(f"{self.url}{path}"))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Caller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
