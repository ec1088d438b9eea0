"""Tenants: who has state, and a tenant's whole state exported as a case or imported from one."""

from __future__ import annotations

from aiohttp import web

from ..cases import IdsInUse, InvalidCase, export_case, parse_case, restore_case
from ..openapi import Answer
from ..providers.base import json_response
from . import models as m
from .arguments import context_of, optional_tenant
from .endpoints import E400, E404, api
from .problems import BODY_LIMITS, AdminProblem
from .views import iso

#: A case can be much larger than a provider request.
CASE_MAX_BYTES = 256 * 1024 * 1024
BODY_LIMITS["import_tenant"] = CASE_MAX_BYTES

E409_IDS = Answer("Ids of the case belong to another tenant", m.AdminError)


@api.get(
    "/tenants",
    name="list_tenants",
    answers={200: Answer("Every tenant with state", m.TenantList)},
)
async def list_tenants(request: web.Request) -> web.StreamResponse:
    """Every tenant with stored state: its payments, newest payment and clock."""
    ctx = context_of(request)
    offsets = await ctx.store.clocks()
    return json_response(
        {
            "tenants": [
                {
                    "tenant": s.tenant,
                    "payments": s.payments,
                    "last_payment_at": iso(s.last_payment_at),
                    "offset_seconds": offsets.get(s.tenant, 0) / 1000,
                }
                for s in await ctx.store.tenants()
            ]
        }
    )


@api.get(
    "/tenants/{tenant}/export",
    name="export_tenant",
    parameters=[
        {
            "name": "secrets",
            "in": "query",
            "schema": {"enum": ["mask", "include"]},
            "description": "Credentials' secrets: masked (default) or included",
        }
    ],
    answers={200: Answer("The tenant's case", m.CaseView), 400: E400, 404: E404},
)
async def export_tenant(request: web.Request) -> web.StreamResponse:
    """The tenant's whole state as one case document (secrets masked unless asked for)."""
    ctx = context_of(request)
    tenant = _tenant(request)
    secrets = request.query.get("secrets", "mask")
    if secrets not in ("mask", "include"):
        raise AdminProblem(400, "invalid_request", "secrets must be mask or include")
    case = await export_case(ctx, tenant, with_secrets=secrets == "include")
    if case is None:
        raise AdminProblem(404, "tenant_not_found", f"nothing is stored for tenant {tenant}")
    return web.Response(
        body=case.to_json(),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{tenant}.case.json"'},
    )


@api.post(
    "/tenants/{tenant}/import",
    name="import_tenant",
    body=m.CaseView,
    answers={
        200: Answer("The tenant now holds the case", m.ImportView),
        400: E400,
        409: E409_IDS,
    },
)
async def import_tenant(request: web.Request) -> web.StreamResponse:
    """Replace the tenant's state with a case exported from any tenant; a malformed or
    newer-version case, or one whose ids another tenant holds, changes nothing."""
    ctx = context_of(request)
    tenant = _tenant(request)
    raw = await request.read()  # up to CASE_MAX_BYTES (BODY_LIMITS)
    try:
        case = parse_case(raw)
    except InvalidCase as invalid:
        raise AdminProblem(400, invalid.code, str(invalid)) from None
    try:
        restored = await restore_case(ctx, case, tenant)
    except IdsInUse as taken:
        raise AdminProblem(409, "ids_in_use", str(taken)) from None
    return json_response(
        {
            "tenant": restored.tenant,
            "from_tenant": case.tenant,
            "payments": restored.payments,
            "deliveries": restored.deliveries,
            "documents": restored.documents,
            "credentials": restored.credentials,
            "credentials_skipped": restored.credentials_skipped,
        }
    )


def _tenant(request: web.Request) -> str:
    tenant = optional_tenant(request, request.match_info["tenant"])
    assert tenant is not None
    return tenant
