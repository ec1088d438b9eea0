"""The sandbox itself: health (served by ``health.py``), the admin API's document, reset,
providers and magic values."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..health import health
from ..openapi import Answer
from ..outcomes.magic import catalog
from ..providers.base import TENANT_HEADER, json_response
from . import models as m
from .arguments import (
    context_of,
    optional_tenant,
    read_body,
)
from .endpoints import E400, TENANT_PARAMS, api
from .problems import AdminProblem

ALL_PARAM = {
    "name": "all",
    "in": "query",
    "schema": {"type": "boolean"},
    "description": "Reset every tenant (instead of naming one)",
}


# Served by the root application itself (``health.py``); documented here with the others.
api.get("/health", name="health", public=True, answers={200: Answer("Ready", m.Health)})(health)


@api.get(
    "/openapi.json",
    name="openapi",
    public=True,
    answers={200: Answer("This document", dict[str, Any])},
)
async def openapi(request: web.Request) -> web.StreamResponse:
    """The admin API's OpenAPI document."""
    return json_response(document())


def document() -> dict[str, Any]:
    return api.document(
        title="psp-sandbox admin API",
        version="1.0",
        description="Drive the sandbox: reset state, inspect payments and webhooks, move tenant "
        "clocks, queue outcomes and inject faults. Tenants are named by the X-Sandbox-Tenant "
        'header, ?tenant=, or a "tenant" field. When the sandbox has an admin token (always in '
        "strict mode), every call but the public ones sends it as a bearer token.",
        servers=["/_sandbox"],
        security_schemes={
            "AdminToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "The sandbox's admin token (setting admin_token, "
                "PSP_SANDBOX_ADMIN_TOKEN); needed only when one is configured.",
            }
        },
        # The token, or nothing when the sandbox has none (open mode's default).
        security=[{"AdminToken": []}, {}],
    )


@api.post(
    "/reset",
    name="reset",
    body=m.ResetRequest,
    parameters=[*TENANT_PARAMS, ALL_PARAM],
    answers={200: Answer("Reset done", dict[str, str]), 400: E400},
)
async def reset(request: web.Request) -> web.StreamResponse:
    """Forget one tenant's payments, webhooks, clock and queues — or, asked explicitly with
    ``{"all": true}`` or ``?all=true``, every tenant's."""
    ctx = context_of(request)
    body = await read_body(request, m.ResetRequest)
    tenant = optional_tenant(request, body.tenant)
    everything = body.all or _flag(request, "all")
    if everything and tenant is not None:
        raise AdminProblem(400, "invalid_request", "name a tenant or ask for all, not both")
    if not everything and tenant is None:
        raise AdminProblem(
            400,
            "tenant_required",
            f"name the tenant to reset ({TENANT_HEADER} header, ?tenant= or a tenant field), "
            'or reset every tenant with {"all": true} or ?all=true',
        )
    await ctx.reset(tenant)
    return json_response({"reset": tenant or "all"})


def _flag(request: web.Request, name: str) -> bool:
    value = request.query.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise AdminProblem(400, "invalid_request", f"?{name}= is true or false")
    return value == "true"


@api.get(
    "/providers",
    name="providers",
    public=True,
    answers={200: Answer("Providers", list[m.ProviderView])},
)
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
            for p in await context_of(request).plugins.load_all()
        ]
    )


@api.get(
    "/magic",
    name="magic",
    public=True,
    answers={200: Answer("Magic cards per provider", dict[str, list[m.MagicCardView]])},
)
async def magic(request: web.Request) -> web.StreamResponse:
    """Every magic card number and the outcome it calls for (per amount, for cards whose
    outcome the amount decides), per provider."""
    plugins = await context_of(request).plugins.load_all()
    return json_response({p.name: catalog(p.magic_cards, p.magic_amounts) for p in plugins})
