"""``trigger``: make a provider send one realistic, correctly signed webhook to a merchant's
endpoint, as ``stripe trigger`` does.

A throwaway in-process sandbox (memory store) plays the sample — the provider's own calls, so
the payload and signature are exactly what psp-sandbox sends — with the provider's default
test credential, its secret replaced by the merchant's; then the one webhook asked for is
signed with that secret and POSTed to the endpoint.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from typing import Any

import httpx

from ..journal.masking import excerpt
from ..settings import CredentialConfig, Settings
from ..store import Delivery, DeliveryFilter
from ..testing.server import SandboxServer
from ..testing.sink import WebhookSink
from .caller import Answer, Caller, plugin_class
from .samples import Sample

TENANT = "trigger"


class SampleFailed(RuntimeError):
    """A sample's call was refused (a bug in the sample, reported as such)."""


@dataclass(frozen=True, slots=True)
class Sent:
    provider: str
    event: str
    url: str
    headers: dict[str, str]
    body: str
    status: int | None
    error: str | None
    latency_ms: int
    answer: str
    accepted: bool


def samples_of(provider: str) -> dict[str, Sample]:
    return dict(plugin_class(provider).samples)


async def trigger(
    provider: str, event: str, forward_to: str, secret: str | None = None, seed: int = 0
) -> Sent:
    plugin = plugin_class(provider)
    sample = plugin.samples.get(event)
    if sample is None or plugin.webhooks is None:
        known = ", ".join(plugin.samples) or "nothing (it sends no webhooks)"
        raise ValueError(f"{plugin.title} cannot send {event!r}; it sends: {known}")
    default = plugin.default_credentials[0]
    credential = replace(default, secret=secret if secret is not None else default.secret)
    settings = Settings(
        store="memory://",
        port=0,
        seed=seed,
        credentials={
            provider: [
                CredentialConfig(
                    key=credential.key,
                    secret=credential.secret,
                    tenant=TENANT,
                    extra=dict(credential.extra),
                )
            ]
        },
    )
    with WebhookSink() as sink, SandboxServer(settings) as server:
        async with Caller(
            server.url, TENANT, credentials={provider: credential}, seed=seed
        ) as caller:
            await sample.run(_Merchant(caller, provider, sink.url_for("setup")))
        delivery = await _delivery(server, event)
    encoded = plugin.webhooks.encode(delivery, credential.secret)
    headers = {"Content-Type": encoded.content_type, **encoded.headers}
    started = time.perf_counter()
    status, error, answer = None, None, ""
    async with httpx.AsyncClient(timeout=plugin.webhooks.timeout_seconds) as http:
        try:
            response = await http.post(forward_to, content=encoded.body, headers=headers)
            status, answer = response.status_code, excerpt(response.content, 512)
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
    return Sent(
        provider,
        event,
        forward_to,
        headers,
        excerpt(encoded.body),
        status,
        error,
        round((time.perf_counter() - started) * 1000),
        answer,
        status is not None and plugin.webhooks.accepts(status),
    )


async def _delivery(server: SandboxServer, event: str) -> Delivery:
    store = server.context.store
    found = await asyncio.to_thread(
        server.run, store.list_deliveries(DeliveryFilter(tenant=TENANT, limit=1000))
    )
    matching = [d for d in found if d.event == event and d.copy_of is None]
    if not matching:
        raise SampleFailed(f"the sample made no {event} webhook")
    return matching[0]  # the newest


class _Merchant:
    """The Merchant a sample sees: one provider, its calls checked."""

    def __init__(self, caller: Caller, provider: str, hook: str) -> None:
        self._caller = caller
        self._provider = provider
        self.hook = hook
        self.credential = caller.credential(provider)

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        return _checked(await self._caller.provider(self._provider, method, path, body))

    async def admin(self, method: str, path: str, body: Any = None) -> Any:
        return _checked(await self._caller.admin(method, path, body))


def _checked(answer: Answer) -> Any:
    if answer.status >= 400:
        raise SampleFailed(f"HTTP {answer.status}: {answer.text[:300]}")
    return answer.body
