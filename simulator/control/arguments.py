"""What admin handlers read from a request: the context, a JSON body, the tenant, a limit."""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from ..appkeys import CONTEXT
from ..context import SandboxContext
from ..engine import Payment
from ..providers.base import TENANT_HEADER
from ..services.tenancy import TENANT_PATTERN, is_tenant
from .problems import AdminProblem

Body = TypeVar("Body", bound=BaseModel)


def context_of(request: web.Request) -> SandboxContext:
    return request.config_dict[CONTEXT]


async def read_body(request: web.Request, model: type[Body]) -> Body:
    raw = await request.read()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise AdminProblem(400, "invalid_request", f"{where}: {first['msg']}") from None


def tenant_of(request: web.Request, given: str | None = None) -> str:
    """The tenant an admin call names (a body field, the header, or ?tenant=); required."""
    tenant = optional_tenant(request, given)
    if tenant is None:
        raise AdminProblem(
            400,
            "tenant_required",
            f"name the tenant: {TENANT_HEADER} header, ?tenant= or a tenant field",
        )
    return tenant


def optional_tenant(request: web.Request, given: str | None = None) -> str | None:
    tenant = given or request.headers.get(TENANT_HEADER) or request.query.get("tenant")
    if tenant is not None and not is_tenant(tenant):
        raise AdminProblem(400, "invalid_tenant", f"tenant must match {TENANT_PATTERN}")
    return tenant


def check_provider(ctx: SandboxContext, name: str | None) -> None:
    if name is not None and name not in ctx.plugins:
        raise AdminProblem(
            400, "unknown_provider", f"no provider {name!r}; known: {', '.join(ctx.plugins)}"
        )


async def payment_or_404(ctx: SandboxContext, payment_id: str) -> Payment:
    payment = await ctx.payments.get(payment_id)
    if payment is None:
        raise AdminProblem(404, "payment_not_found", f"no payment {payment_id}")
    return payment
