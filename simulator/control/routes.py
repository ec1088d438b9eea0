"""The admin API under ``/_sandbox``: health, reset, payments, clock, outcomes, faults, webhooks."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from ..appkeys import CONTEXT
from ..context import SandboxContext
from ..engine import OperationStatus, Payment, RuleViolation
from ..faults import injection
from ..faults.injection import REQUEST_KINDS
from ..openapi import Answer, Api
from ..outcomes import scripted
from ..outcomes.magic import catalog
from ..providers.base import TENANT_HEADER, json_response
from ..store import DeliveryFilter, PaymentFilter
from . import models as m
from .views import delivery_view, payment_view

api = Api()
Body = TypeVar("Body", bound=BaseModel)
_TENANT = re.compile(r"^[A-Za-z0-9._:@-]{1,64}$")
_E400 = Answer("Invalid request", m.AdminError)
_E404 = Answer("Not found", m.AdminError)
_E409 = Answer("The payment's rules forbid it", m.AdminError)
_LIMIT_PARAM = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 10000},
}
_TENANT_PARAMS = [
    {"name": TENANT_HEADER, "in": "header", "schema": {"type": "string"}},
    {"name": "tenant", "in": "query", "schema": {"type": "string"}},
]


class AdminProblem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> web.Response:
        return json_response({"error": {"code": self.code, "message": self.message}}, self.status)


@web.middleware
async def admin_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure of the admin API answers ``{"error": {"code", "message"}}``."""
    try:
        if request.match_info.http_exception is not None:
            raise request.match_info.http_exception
        response: web.StreamResponse = await handler(request)
        return response
    except AdminProblem as problem:
        return problem.response()
    except RuleViolation as violation:
        return AdminProblem(409, violation.code.value, str(violation)).response()
    except web.HTTPException as http:
        if http.status < 400:
            raise
        return AdminProblem(
            http.status, http.reason.lower().replace(" ", "_"), http.reason
        ).response()


# --- helpers ----------------------------------------------------------------------------------


def _context(request: web.Request) -> SandboxContext:
    return request.config_dict[CONTEXT]


async def _body(request: web.Request, model: type[Body]) -> Body:
    raw = await request.read()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise AdminProblem(400, "invalid_request", f"{where}: {first['msg']}") from None


def _tenant(request: web.Request, given: str | None = None) -> str:
    """The tenant an admin call names (a body field, the header, or ?tenant=); required."""
    tenant = _optional_tenant(request, given)
    if tenant is None:
        raise AdminProblem(
            400,
            "tenant_required",
            f"name the tenant: {TENANT_HEADER} header, ?tenant= or a tenant field",
        )
    return tenant


def _optional_tenant(request: web.Request, given: str | None = None) -> str | None:
    tenant = given or request.headers.get(TENANT_HEADER) or request.query.get("tenant")
    if tenant is not None and not _TENANT.match(tenant):
        raise AdminProblem(400, "invalid_tenant", f"tenant must match {_TENANT.pattern}")
    return tenant


def _provider(ctx: SandboxContext, name: str | None) -> None:
    if name is not None and name not in ctx.plugins:
        raise AdminProblem(
            400, "unknown_provider", f"no provider {name!r}; known: {', '.join(ctx.plugins)}"
        )


def _limit(request: web.Request) -> int:
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        raise AdminProblem(400, "invalid_request", "limit must be an integer") from None
    if not 1 <= limit <= 10_000:
        raise AdminProblem(400, "invalid_request", "limit must be between 1 and 10000")
    return limit


async def _payment(ctx: SandboxContext, payment_id: str) -> Payment:
    payment = await ctx.payments.get(payment_id)
    if payment is None:
        raise AdminProblem(404, "payment_not_found", f"no payment {payment_id}")
    return payment


# --- health, reset, documents ----------------------------------------------------------------


@api.get("/health", name="health", answers={200: Answer("Ready", m.Health)})
async def health(request: web.Request) -> web.StreamResponse:
    """Readiness: 200 once the store is open and background work runs."""
    ctx = _context(request)
    return json_response({"status": "ok", "store": ctx.store.url, "providers": list(ctx.plugins)})


@api.get("/openapi.json", name="openapi", answers={200: Answer("This document", dict[str, Any])})
async def openapi(request: web.Request) -> web.StreamResponse:
    """The admin API's OpenAPI document."""
    return json_response(document())


def document() -> dict[str, Any]:
    return api.document(
        title="psp-sandbox admin API",
        version="1.0",
        description="Drive the sandbox: reset state, inspect payments and webhooks, move tenant "
        "clocks, queue outcomes and inject faults. Tenants are named by the X-Sandbox-Tenant "
        'header, ?tenant=, or a "tenant" field.',
        servers=["/_sandbox"],
    )


@api.post(
    "/reset",
    name="reset",
    body=m.ResetRequest,
    parameters=_TENANT_PARAMS,
    answers={200: Answer("Reset done", dict[str, str]), 400: _E400},
)
async def reset(request: web.Request) -> web.StreamResponse:
    """Forget one tenant's payments, webhooks, clock and queues — or everything."""
    ctx = _context(request)
    body = await _body(request, m.ResetRequest)
    tenant = _optional_tenant(request, body.tenant)
    await ctx.reset(tenant)
    return json_response({"reset": tenant or "all"})


@api.get("/providers", name="providers", answers={200: Answer("Providers", list[m.ProviderView])})
async def providers(request: web.Request) -> web.StreamResponse:
    """Every provider served, where, and its operation names (for faults)."""
    return json_response(
        [
            {
                "name": p.name,
                "title": p.title,
                "mount": f"/{p.name}",
                "base_paths": list(p.base_paths),
                "operations": [e.name for e in p.api.endpoints if not e.public],
                "sends_webhooks": p.webhooks is not None,
            }
            for p in _context(request).plugins.values()
        ]
    )


@api.get(
    "/magic",
    name="magic",
    answers={200: Answer("Magic cards per provider", dict[str, list[m.MagicCardView]])},
)
async def magic(request: web.Request) -> web.StreamResponse:
    """Every magic card number and the outcome it calls for, per provider."""
    plugins = _context(request).plugins
    return json_response({name: catalog(p.magic_cards) for name, p in plugins.items()})


# --- payments ---------------------------------------------------------------------------------


@api.get(
    "/payments",
    name="list_payments",
    parameters=[
        *_TENANT_PARAMS,
        {"name": "provider", "in": "query", "schema": {"type": "string"}},
        {"name": "reference", "in": "query", "schema": {"type": "string"}},
        _LIMIT_PARAM,
    ],
    answers={200: Answer("Payments, newest first", m.PaymentList), 400: _E400},
)
async def list_payments(request: web.Request) -> web.StreamResponse:
    """Payments, newest first, filtered by tenant, provider and merchant reference."""
    ctx = _context(request)
    where = PaymentFilter(
        tenant=_optional_tenant(request),
        provider=request.query.get("provider"),
        reference=request.query.get("reference"),
        limit=_limit(request),
    )
    return json_response(
        {"payments": [payment_view(p) for p in await ctx.store.list_payments(where)]}
    )


@api.get(
    "/payments/{payment_id}",
    name="get_payment",
    answers={
        200: Answer("The payment, its operations, history and webhooks", m.PaymentView),
        404: _E404,
    },
)
async def get_payment(request: web.Request) -> web.StreamResponse:
    """One payment with its operations, status history and webhook attempts."""
    ctx = _context(request)
    payment = await _payment(ctx, request.match_info["payment_id"])
    deliveries = await ctx.store.list_deliveries(
        DeliveryFilter(payment_id=payment.id, limit=10_000)
    )
    return json_response(payment_view(payment, list(reversed(deliveries))))


@api.post(
    "/payments/{payment_id}/challenge",
    name="complete_challenge",
    body=m.ChallengeRequest,
    answers={
        200: Answer("The payment after the choice", m.PaymentView),
        400: _E400,
        404: _E404,
        409: _E409,
    },
)
async def complete_challenge(request: web.Request) -> web.StreamResponse:
    """Decide the payment's 3-D Secure challenge as the hosted page would (approve, decline,
    abandon) — for tests without a browser."""
    ctx = _context(request)
    body = await _body(request, m.ChallengeRequest)
    payment = await _payment(ctx, request.match_info["payment_id"])
    op = next((o for o in payment.operations if o.status is OperationStatus.ACTION_REQUIRED), None)
    if op is None:
        raise AdminProblem(409, "no_challenge", "the payment has no challenge waiting")
    plugin = ctx.plugins.get(payment.provider)
    if plugin is None:
        raise AdminProblem(409, "unknown_provider", f"{payment.provider} is not served")
    decision = await plugin.finish_challenge(payment, op, body.choice)
    return json_response(payment_view(decision.payment))


@api.post(
    "/payments/{payment_id}/resolve",
    name="resolve_pending",
    body=m.ResolveRequest,
    answers={
        200: Answer("The payment after the resolution", m.PaymentView),
        400: _E400,
        404: _E404,
        409: _E409,
    },
)
async def resolve_pending(request: web.Request) -> web.StreamResponse:
    """Finish a pending operation now, with the named outcome, without moving the clock."""
    ctx = _context(request)
    body = await _body(request, m.ResolveRequest)
    payment = await _payment(ctx, request.match_info["payment_id"])
    waiting = [o for o in payment.operations if not o.status.is_final]
    op = next((o for o in waiting if body.operation_id in (None, o.id)), None)
    if op is None:
        raise AdminProblem(409, "not_pending", "no such pending operation")
    decision = await ctx.payments.resolve(payment, op.id, scripted.named(body.outcome))
    return json_response(payment_view(decision.payment))


# --- time -------------------------------------------------------------------------------------


@api.get(
    "/clock",
    name="get_clock",
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's time", m.ClockView), 400: _E400},
)
async def get_clock(request: web.Request) -> web.StreamResponse:
    """A tenant's virtual time."""
    ctx = _context(request)
    tenant = _tenant(request)
    return json_response(_clock_view(ctx, tenant))


@api.post(
    "/clock",
    name="advance_clock",
    body=m.ClockRequest,
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's new time; due work has run", m.ClockView), 400: _E400},
)
async def advance_clock(request: web.Request) -> web.StreamResponse:
    """Move a tenant's clock forward; payments and webhooks that fall due run before the
    answer (async completions, expiries, settlements, webhook retries)."""
    ctx = _context(request)
    body = await _body(request, m.ClockRequest)
    tenant = _tenant(request, body.tenant)
    await ctx.clocks.advance(tenant, body.advance_seconds)
    ticked = await ctx.scheduler.run_due(tenant)
    sent = await ctx.dispatcher.run_due(tenant)
    return json_response(
        {**_clock_view(ctx, tenant), "ticked": ticked, "webhooks_attempted": len(sent)}
    )


def _clock_view(ctx: SandboxContext, tenant: str) -> dict[str, Any]:
    return {
        "tenant": tenant,
        "now": ctx.clocks.now(tenant).isoformat(),
        "offset_seconds": ctx.clocks.offset_ms(tenant) / 1000,
    }


# --- outcomes and faults ----------------------------------------------------------------------


@api.post(
    "/outcomes",
    name="queue_outcomes",
    body=m.OutcomeRequest,
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's queue", m.QueueView), 400: _E400},
)
async def queue_outcomes(request: web.Request) -> web.StreamResponse:
    """Queue outcomes for the next matching operations of a tenant (optionally one order)."""
    ctx = _context(request)
    body = await _body(request, m.OutcomeRequest)
    tenant = _tenant(request, body.tenant)
    _provider(ctx, body.provider)
    if (body.outcome is None) == (body.outcomes is None):
        raise AdminProblem(400, "invalid_request", "give either outcome (with count) or outcomes")
    names = body.outcomes if body.outcomes is not None else [body.outcome] if body.outcome else []
    entries = []
    for name in names:
        try:
            scripted.check_suitable(body.operation, scripted.named(name, body.delay_seconds))
        except scripted.UnsuitableOutcome as unsuitable:
            raise AdminProblem(400, "unsuitable_outcome", str(unsuitable)) from None
        entries.append(
            {
                "provider": body.provider,
                "operation": body.operation,
                "reference": body.reference,
                "outcome": name,
                "delay_seconds": body.delay_seconds,
                "remaining": body.count if body.outcomes is None else 1,
            }
        )
    queue = await ctx.outcomes.add(ctx.store, tenant, entries)
    return json_response({"tenant": tenant, "entries": queue})


@api.get(
    "/outcomes",
    name="list_outcomes",
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's queue", m.QueueView), 400: _E400},
)
async def list_outcomes(request: web.Request) -> web.StreamResponse:
    """Queued outcomes not used yet."""
    return await _show_queue(request, _context(request).outcomes)


@api.delete(
    "/outcomes",
    name="clear_outcomes",
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The emptied queue", m.QueueView), 400: _E400},
)
async def clear_outcomes(request: web.Request) -> web.StreamResponse:
    """Drop every queued outcome of the tenant."""
    return await _clear_queue(request, _context(request).outcomes)


@api.post(
    "/faults",
    name="inject_faults",
    body=m.FaultRequest,
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's fault queue", m.QueueView), 400: _E400},
)
async def inject_faults(request: web.Request) -> web.StreamResponse:
    """Queue faults: HTTP errors in the provider's envelope, latency, resets, malformed bodies,
    or webhook drops, delays and duplicates."""
    ctx = _context(request)
    body = await _body(request, m.FaultRequest)
    tenant = _tenant(request, body.tenant)
    _provider(ctx, body.provider)
    if body.kind in REQUEST_KINDS and body.operation not in (None, "*") and body.provider:
        known = [e.name for e in ctx.plugins[body.provider].api.endpoints if not e.public]
        if body.operation not in known:
            raise AdminProblem(
                400, "unknown_operation", f"{body.provider} operations: {', '.join(known)}"
            )
    if body.kind == "error" and body.status is None:
        raise AdminProblem(400, "invalid_request", "kind=error needs a status (400-599)")
    entry = {**body.model_dump(exclude={"tenant", "count"}), "remaining": body.count}
    if body.kind in injection.WEBHOOK_KINDS:
        entry["operation"] = injection.WEBHOOK
    queue = await ctx.faults.add(ctx.store, tenant, [entry])
    return json_response({"tenant": tenant, "entries": queue})


@api.get(
    "/faults",
    name="list_faults",
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The tenant's fault queue", m.QueueView), 400: _E400},
)
async def list_faults(request: web.Request) -> web.StreamResponse:
    """Queued faults not used yet."""
    return await _show_queue(request, _context(request).faults)


@api.delete(
    "/faults",
    name="clear_faults",
    parameters=_TENANT_PARAMS,
    answers={200: Answer("The emptied queue", m.QueueView), 400: _E400},
)
async def clear_faults(request: web.Request) -> web.StreamResponse:
    """Drop every queued fault of the tenant."""
    return await _clear_queue(request, _context(request).faults)


async def _show_queue(request: web.Request, queue: Any) -> web.StreamResponse:
    tenant = _tenant(request)
    return json_response(
        {"tenant": tenant, "entries": await queue.entries(_context(request).store, tenant)}
    )


async def _clear_queue(request: web.Request, queue: Any) -> web.StreamResponse:
    tenant = _tenant(request)
    await queue.clear(_context(request).store, tenant)
    return json_response({"tenant": tenant, "entries": []})


# --- webhooks ---------------------------------------------------------------------------------


@api.get(
    "/webhooks",
    name="list_webhooks",
    parameters=[
        *_TENANT_PARAMS,
        {"name": "provider", "in": "query", "schema": {"type": "string"}},
        {"name": "payment_id", "in": "query", "schema": {"type": "string"}},
        _LIMIT_PARAM,
    ],
    answers={
        200: Answer("Deliveries, newest first, with every attempt", m.DeliveryList),
        400: _E400,
    },
)
async def list_webhooks(request: web.Request) -> web.StreamResponse:
    """Webhook deliveries, newest first, each with its attempts."""
    ctx = _context(request)
    where = DeliveryFilter(
        tenant=_optional_tenant(request),
        provider=request.query.get("provider"),
        payment_id=request.query.get("payment_id"),
        limit=_limit(request),
    )
    found = await ctx.store.list_deliveries(where)
    return json_response({"webhooks": [delivery_view(d) for d in found]})


@api.post(
    "/webhooks/{delivery_id}/replay",
    name="replay_webhook",
    answers={200: Answer("The new delivery (sent shortly)", m.DeliveryView), 404: _E404},
)
async def replay_webhook(request: web.Request) -> web.StreamResponse:
    """Send a delivery again, whatever became of it (a copy, due now)."""
    ctx = _context(request)
    async with ctx.store.begin() as uow:
        delivery = await uow.get_delivery(request.match_info["delivery_id"])
    if delivery is None:
        raise AdminProblem(404, "webhook_not_found", "no such webhook delivery")
    return json_response(delivery_view(await ctx.dispatcher.replay(delivery)))
