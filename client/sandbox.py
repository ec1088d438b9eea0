"""A client for psp-sandbox's admin API (``/_sandbox``), blocking (``SandboxAdmin``) or
awaiting (``AsyncSandboxAdmin``).

Exceptions::

    SandboxError
    ├── SandboxTransportError      no usable answer from the sandbox
    └── SandboxApiError            an error answer: .status, .code, .message
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ._transport import AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

TENANT_HEADER = "X-Sandbox-Tenant"
#: Carries the admin token of a sandbox that has one.
TOKEN_HEADER = "Authorization"


def admin_headers(tenant: str | None, token: str | None) -> dict[str, str]:
    """Headers every admin call of a client sends: its tenant and the admin token."""
    headers = {TENANT_HEADER: tenant} if tenant else {}
    if token:
        headers[TOKEN_HEADER] = f"Bearer {token}"
    return headers


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


class SandboxAdminApi:
    """What each admin call sends and how its answer reads: the one implementation behind
    SandboxAdmin and AsyncSandboxAdmin. With ``tenant`` every call acts on that tenant."""

    transport_error = SandboxTransportError

    def __init__(self, tenant: str | None = None) -> None:
        self.tenant = tenant

    def health(self) -> Flow[Any]:
        return self.call("GET", "/health")

    def reset(self, *, everything: bool = False) -> Flow[Any]:
        """Forget this tenant's state (or, with ``everything``, every tenant's)."""
        if everything:
            return (yield from self.call("POST", "/reset", {}, headers={TENANT_HEADER: ""}))
        return (yield from self.call("POST", "/reset", {"tenant": self.tenant}))

    def payments(
        self,
        *,
        provider: str | None = None,
        reference: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Flow[list[Any]]:
        """One page of payments, newest first (``payments_page`` tells the next cursor)."""
        answer = yield from self.payments_page(provider, reference, limit, cursor)
        return list(answer["payments"])

    def payments_page(
        self,
        provider: str | None = None,
        reference: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Flow[Any]:
        """``{"payments": [...], "next_cursor": ...}``: pass the cursor for the next page."""
        params = _present(
            {"provider": provider, "reference": reference, "limit": str(limit), "cursor": cursor}
        )
        return (yield from self.call("GET", "/payments", params=params))

    def payment(self, payment_id: str) -> Flow[Any]:
        return self.call("GET", f"/payments/{payment_id}")

    def find_payment(self, provider: str, reference: str) -> Flow[Any]:
        found = yield from self.payments(provider=provider, reference=reference, limit=1)
        if not found:
            raise SandboxApiError(
                404, {"error": {"code": "payment_not_found", "message": reference}}
            )
        return (yield from self.payment(found[0]["id"]))

    def complete_challenge(self, payment_id: str, choice: str = "approve") -> Flow[Any]:
        return self.call("POST", f"/payments/{payment_id}/challenge", {"choice": choice})

    def execute(
        self,
        payment_id: str,
        *,
        contactless: bool = False,
        card_number: str | None = None,
        pin: str | None = None,
        remove_card: bool = False,
        abort: bool = False,
        operation_id: str | None = None,
    ) -> Flow[Any]:
        """Act at a card-present terminal: with no arguments, insert the provider's test card;
        a ``pin`` is entered once the card asks for one."""
        body = {
            "contactless": contactless or None,
            "card_number": card_number,
            "pin": pin,
            "remove_card": remove_card or None,
            "abort": abort or None,
            "operation_id": operation_id,
        }
        return self.call("POST", f"/payments/{payment_id}/execute", _present(body))

    def resolve(self, payment_id: str, outcome: str, operation_id: str | None = None) -> Flow[Any]:
        body = {"outcome": outcome, **({"operation_id": operation_id} if operation_id else {})}
        return self.call("POST", f"/payments/{payment_id}/resolve", body)

    def dispute(
        self,
        payment_id: str,
        stage: str,
        *,
        amount: int | None = None,
        reason: str | None = None,
        category: str | None = None,
        description: str | None = None,
    ) -> Flow[Any]:
        """Open a dispute on a payment (``inquiry``, ``chargeback``) or move its open one
        (``chargeback``, ``reversed``, ``won``, ``lost``); ``amount`` in minor units."""
        body = _present(
            {
                "stage": stage,
                "amount": amount,
                "reason": reason,
                "category": category,
                "description": description,
            }
        )
        return self.call("POST", f"/payments/{payment_id}/dispute", body)

    def clock(self) -> Flow[Any]:
        return self.call("GET", "/clock")

    def advance_clock(self, seconds: float) -> Flow[Any]:
        """Move the tenant's clock; due payments and webhooks run before this returns."""
        return self.call("POST", "/clock", {"advance_seconds": seconds})

    def queue_outcome(
        self,
        outcome: str,
        *,
        operation: str = "payment",
        count: int = 1,
        provider: str | None = None,
        reference: str | None = None,
        delay_seconds: int | None = None,
    ) -> Flow[Any]:
        body = {
            "outcome": outcome,
            "operation": operation,
            "count": count,
            "provider": provider,
            "reference": reference,
            "delay_seconds": delay_seconds,
        }
        return self.call("POST", "/outcomes", _present(body))

    def queue_script(
        self,
        outcomes: Sequence[str],
        *,
        operation: str = "payment",
        provider: str | None = None,
        reference: str | None = None,
    ) -> Flow[Any]:
        body = {
            "outcomes": list(outcomes),
            "operation": operation,
            "provider": provider,
            "reference": reference,
        }
        return self.call("POST", "/outcomes", _present(body))

    def fault(
        self,
        kind: str,
        *,
        provider: str | None = None,
        operation: str | None = None,
        count: int = 1,
        status: int | None = None,
        latency_ms: int | None = None,
        seconds: int | None = None,
    ) -> Flow[Any]:
        """Fail the next ``count`` calls of ``operation`` as ``kind`` says (``error`` with a
        ``status``, ``latency``, ``reset`` ...; webhook kinds act on the next notifications)."""
        body = {
            "kind": kind,
            "provider": provider,
            "operation": operation,
            "count": count,
            "status": status,
            "latency_ms": latency_ms,
            "seconds": seconds,
        }
        return self.call("POST", "/faults", _present(body))

    inject_fault = fault

    def webhooks(
        self,
        *,
        payment_id: str | None = None,
        provider: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Flow[list[Any]]:
        """One page of deliveries, newest first (``webhooks_page`` tells the next cursor)."""
        return list(
            (yield from self.webhooks_page(payment_id, provider, limit, cursor))["webhooks"]
        )

    def webhooks_page(
        self,
        payment_id: str | None = None,
        provider: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Flow[Any]:
        """``{"webhooks": [...], "next_cursor": ...}``: pass the cursor for the next page."""
        params = _present(
            {"payment_id": payment_id, "provider": provider, "limit": str(limit), "cursor": cursor}
        )
        return (yield from self.call("GET", "/webhooks", params=params))

    def replay_webhook(self, delivery_id: str) -> Flow[Any]:
        return self.call("POST", f"/webhooks/{delivery_id}/replay")

    def merchant_webhooks(self, *, provider: str | None = None) -> Flow[list[Any]]:
        params = _present({"provider": provider})
        answer = yield from self.call("GET", "/merchant-webhooks", params=params)
        return list(answer["merchant_webhooks"])

    def set_merchant_webhook(self, provider: str, merchant: str, url: str) -> Flow[Any]:
        """Where this tenant's ``merchant`` (``*``: every merchant) gets its webhooks."""
        return self.call("PUT", f"/merchant-webhooks/{provider}/{merchant}", {"url": url})

    def remove_merchant_webhook(self, provider: str, merchant: str) -> Flow[Any]:
        return self.call("DELETE", f"/merchant-webhooks/{provider}/{merchant}")

    def magic(self) -> Flow[Any]:
        return self.call("GET", "/magic")

    def tenants(self) -> Flow[list[Any]]:
        """Every tenant with state: payments, newest payment, clock offset."""
        return list((yield from self.call("GET", "/tenants"))["tenants"])

    def export_case(self, tenant: str | None = None, *, with_secrets: bool = False) -> Flow[str]:
        """The tenant's whole state as a case document, exactly as the sandbox wrote it."""
        params = {"secrets": "include"} if with_secrets else None
        answer = yield Request("GET", f"/tenants/{self._named(tenant)}/export", params=params)
        if answer.status >= 400:
            raise SandboxApiError(answer.status, _json_or_text(answer.text))
        return answer.text

    def import_case(self, case: str | bytes, tenant: str | None = None) -> Flow[Any]:
        """Replace the tenant's state with a case document (the case's own tenant unless
        ``tenant`` or the client's tenant names another)."""
        data = case.encode() if isinstance(case, str) else case
        target = tenant or self.tenant or _case_tenant(data)
        headers = {"Content-Type": "application/json"}
        answer = yield Request("POST", f"/tenants/{target}/import", data, headers)
        result = _json_or_text(answer.text)
        if answer.status >= 400:
            raise SandboxApiError(answer.status, result)
        return result

    def providers(self) -> Flow[Any]:
        return self.call("GET", "/providers")

    def _named(self, tenant: str | None) -> str:
        named = tenant or self.tenant
        if not named:
            raise ValueError("name the tenant (here or when making the client)")
        return named

    def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Flow[Any]:
        """Any admin call: its JSON answer, or the SandboxApiError it is."""
        data = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        answer = yield Request(method, path, data, sent, params)
        try:
            result = answer.json()
        except NotJson as error:
            raise SandboxTransportError(str(error)) from error
        if answer.status >= 400:
            raise SandboxApiError(answer.status, result)
        return result


class SandboxAdmin(SyncClient[SandboxAdminApi]):
    """Blocking. ``base_url`` is the sandbox root (``http://127.0.0.1:8480``). With ``tenant``
    every call acts on that tenant; ``token`` is the sandbox's admin token, if it has one."""

    def __init__(
        self,
        base_url: str,
        tenant: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 60.0,
        http: httpx.Client | None = None,
    ) -> None:
        headers = admin_headers(tenant, token)
        url = base_url.rstrip("/") + "/_sandbox"
        api = SandboxAdminApi(tenant)
        super().__init__(api, url, headers=headers, timeout=timeout, http=http)
        self.tenant = tenant

    health = blocking(SandboxAdminApi.health)
    reset = blocking(SandboxAdminApi.reset)
    payments = blocking(SandboxAdminApi.payments)
    payments_page = blocking(SandboxAdminApi.payments_page)
    payment = blocking(SandboxAdminApi.payment)
    find_payment = blocking(SandboxAdminApi.find_payment)
    complete_challenge = blocking(SandboxAdminApi.complete_challenge)
    execute = blocking(SandboxAdminApi.execute)
    resolve = blocking(SandboxAdminApi.resolve)
    dispute = blocking(SandboxAdminApi.dispute)
    clock = blocking(SandboxAdminApi.clock)
    advance_clock = blocking(SandboxAdminApi.advance_clock)
    queue_outcome = blocking(SandboxAdminApi.queue_outcome)
    queue_script = blocking(SandboxAdminApi.queue_script)
    fault = blocking(SandboxAdminApi.fault)
    inject_fault = fault
    webhooks = blocking(SandboxAdminApi.webhooks)
    webhooks_page = blocking(SandboxAdminApi.webhooks_page)
    replay_webhook = blocking(SandboxAdminApi.replay_webhook)
    merchant_webhooks = blocking(SandboxAdminApi.merchant_webhooks)
    set_merchant_webhook = blocking(SandboxAdminApi.set_merchant_webhook)
    remove_merchant_webhook = blocking(SandboxAdminApi.remove_merchant_webhook)
    magic = blocking(SandboxAdminApi.magic)
    providers = blocking(SandboxAdminApi.providers)
    tenants = blocking(SandboxAdminApi.tenants)
    export_case = blocking(SandboxAdminApi.export_case)
    import_case = blocking(SandboxAdminApi.import_case)
    call = blocking(SandboxAdminApi.call)


class AsyncSandboxAdmin(AsyncClient[SandboxAdminApi]):
    """Awaiting. ``base_url`` is the sandbox root (``http://127.0.0.1:8480``). With ``tenant``
    every call acts on that tenant; ``token`` is the sandbox's admin token, if it has one."""

    def __init__(
        self,
        base_url: str,
        tenant: str | None = None,
        *,
        token: str | None = None,
        timeout: float = 60.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        headers = admin_headers(tenant, token)
        url = base_url.rstrip("/") + "/_sandbox"
        api = SandboxAdminApi(tenant)
        super().__init__(api, url, headers=headers, timeout=timeout, http=http)
        self.tenant = tenant

    health = awaiting(SandboxAdminApi.health)
    reset = awaiting(SandboxAdminApi.reset)
    payments = awaiting(SandboxAdminApi.payments)
    payments_page = awaiting(SandboxAdminApi.payments_page)
    payment = awaiting(SandboxAdminApi.payment)
    find_payment = awaiting(SandboxAdminApi.find_payment)
    complete_challenge = awaiting(SandboxAdminApi.complete_challenge)
    execute = awaiting(SandboxAdminApi.execute)
    resolve = awaiting(SandboxAdminApi.resolve)
    dispute = awaiting(SandboxAdminApi.dispute)
    clock = awaiting(SandboxAdminApi.clock)
    advance_clock = awaiting(SandboxAdminApi.advance_clock)
    queue_outcome = awaiting(SandboxAdminApi.queue_outcome)
    queue_script = awaiting(SandboxAdminApi.queue_script)
    fault = awaiting(SandboxAdminApi.fault)
    inject_fault = fault
    webhooks = awaiting(SandboxAdminApi.webhooks)
    webhooks_page = awaiting(SandboxAdminApi.webhooks_page)
    replay_webhook = awaiting(SandboxAdminApi.replay_webhook)
    merchant_webhooks = awaiting(SandboxAdminApi.merchant_webhooks)
    set_merchant_webhook = awaiting(SandboxAdminApi.set_merchant_webhook)
    remove_merchant_webhook = awaiting(SandboxAdminApi.remove_merchant_webhook)
    magic = awaiting(SandboxAdminApi.magic)
    providers = awaiting(SandboxAdminApi.providers)
    tenants = awaiting(SandboxAdminApi.tenants)
    export_case = awaiting(SandboxAdminApi.export_case)
    import_case = awaiting(SandboxAdminApi.import_case)
    call = awaiting(SandboxAdminApi.call)


def _case_tenant(case: bytes) -> str:
    """The tenant a case was exported from ("-" when unreadable: the sandbox says why)."""
    try:
        named = json.loads(case).get("tenant")
    except (ValueError, AttributeError):
        return "-"
    return named if isinstance(named, str) and named else "-"


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {"error": {"code": "", "message": text}}


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
