"""An async client for psp-sandbox's admin API (``/_sandbox``).

Exceptions::

    SandboxError
    ├── SandboxTransportError      no usable answer from the sandbox
    └── SandboxApiError            an error answer: .status, .code, .message
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._http import AsyncClient, HttpAnswer, HttpCore, TransportError

TENANT_HEADER = "X-Sandbox-Tenant"


class SandboxError(Exception):
    pass


class SandboxTransportError(SandboxError):
    pass


class SandboxApiError(SandboxError):
    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error", {}) if isinstance(body, dict) else {}
        self.status = status
        self.code: str = str(error.get("code", ""))
        self.message: str = str(error.get("message", body))
        super().__init__(f"HTTP {status} {self.code}: {self.message}")


class SandboxAdmin(AsyncClient):
    """``base_url`` is the sandbox root (``http://127.0.0.1:8480``). With ``tenant`` every
    call acts on that tenant."""

    def __init__(self, base_url: str, tenant: str | None = None, *, timeout: float = 60.0) -> None:
        self.tenant = tenant
        headers = {TENANT_HEADER: tenant} if tenant else {}
        self._http = HttpCore(base_url.rstrip("/") + "/_sandbox", headers=headers, timeout=timeout)

    async def health(self) -> Any:
        return await self._call("GET", "/health")

    async def reset(self, *, everything: bool = False) -> Any:
        """Forget this tenant's state (or, with ``everything``, every tenant's)."""
        if everything:
            return await self._call("POST", "/reset", {}, headers={TENANT_HEADER: ""})
        return await self._call("POST", "/reset", {"tenant": self.tenant})

    async def payments(
        self, *, provider: str | None = None, reference: str | None = None, limit: int = 100
    ) -> list[Any]:
        params = {"limit": str(limit)}
        if provider:
            params["provider"] = provider
        if reference:
            params["reference"] = reference
        answer = await self._call("GET", "/payments", params=params)
        return list(answer["payments"])

    async def payment(self, payment_id: str) -> Any:
        return await self._call("GET", f"/payments/{payment_id}")

    async def find_payment(self, provider: str, reference: str) -> Any:
        found = await self.payments(provider=provider, reference=reference, limit=1)
        if not found:
            raise SandboxApiError(
                404, {"error": {"code": "payment_not_found", "message": reference}}
            )
        return await self.payment(found[0]["id"])

    async def complete_challenge(self, payment_id: str, choice: str = "approve") -> Any:
        return await self._call("POST", f"/payments/{payment_id}/challenge", {"choice": choice})

    async def resolve(self, payment_id: str, outcome: str, operation_id: str | None = None) -> Any:
        body = {"outcome": outcome, **({"operation_id": operation_id} if operation_id else {})}
        return await self._call("POST", f"/payments/{payment_id}/resolve", body)

    async def clock(self) -> Any:
        return await self._call("GET", "/clock")

    async def advance_clock(self, seconds: float) -> Any:
        """Move the tenant's clock; due payments and webhooks run before this returns."""
        return await self._call("POST", "/clock", {"advance_seconds": seconds})

    async def queue_outcome(
        self,
        outcome: str,
        *,
        operation: str = "payment",
        count: int = 1,
        provider: str | None = None,
        reference: str | None = None,
        delay_seconds: int | None = None,
    ) -> Any:
        body = {
            "outcome": outcome,
            "operation": operation,
            "count": count,
            "provider": provider,
            "reference": reference,
            "delay_seconds": delay_seconds,
        }
        return await self._call("POST", "/outcomes", _present(body))

    async def queue_script(
        self,
        outcomes: Sequence[str],
        *,
        operation: str = "payment",
        provider: str | None = None,
        reference: str | None = None,
    ) -> Any:
        body = {
            "outcomes": list(outcomes),
            "operation": operation,
            "provider": provider,
            "reference": reference,
        }
        return await self._call("POST", "/outcomes", _present(body))

    async def inject_fault(
        self,
        kind: str,
        *,
        provider: str | None = None,
        operation: str | None = None,
        count: int = 1,
        status: int | None = None,
        latency_ms: int | None = None,
        seconds: int | None = None,
    ) -> Any:
        body = {
            "kind": kind,
            "provider": provider,
            "operation": operation,
            "count": count,
            "status": status,
            "latency_ms": latency_ms,
            "seconds": seconds,
        }
        return await self._call("POST", "/faults", _present(body))

    async def webhooks(
        self, *, payment_id: str | None = None, provider: str | None = None
    ) -> list[Any]:
        params = _present({"payment_id": payment_id, "provider": provider})
        return list((await self._call("GET", "/webhooks", params=params))["webhooks"])

    async def replay_webhook(self, delivery_id: str) -> Any:
        return await self._call("POST", f"/webhooks/{delivery_id}/replay")

    async def magic(self) -> Any:
        return await self._call("GET", "/magic")

    async def providers(self) -> Any:
        return await self._call("GET", "/providers")

    async def _call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        data = None if body is None else json.dumps(body).encode()
        try:
            answer: HttpAnswer = await self._http.request(
                method,
                path,
                body=data,
                params=params,
                headers={"Content-Type": "application/json", **(headers or {})},
            )
        except TransportError as error:
            raise SandboxTransportError(str(error)) from error
        try:
            result = answer.json()
        except TransportError as error:
            raise SandboxTransportError(str(error)) from error
        if answer.status >= 400:
            raise SandboxApiError(answer.status, result)
        return result


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
