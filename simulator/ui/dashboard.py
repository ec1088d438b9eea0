"""The dashboard (``/_sandbox/ui/``): tenants and providers at a glance, payments to search and
page through, one payment's whole story, and a tenant's controls.

Pages are rendered here from the store; every action on them (queue an outcome or a fault,
move a clock, reset, export, import, replay a webhook, answer a challenge) is a call of the
admin API made by the page's script — the same calls the tests make. Pages follow the live
feed (``/_sandbox/events``) and redraw their live parts when something of theirs changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from ..appkeys import CONTEXT
from ..context import SandboxContext
from ..control.paging import FILTERS, next_cursor, payment_filter
from ..control.problems import AdminProblem
from ..control.views import delivery_view, exchange_view, payment_view
from ..engine import OperationStatus, Payment, PaymentStatus
from ..faults.injection import FAULT_KINDS
from ..outcomes.scripted import NAMED, OPERATIONS
from ..store import DeliveryFilter
from .access import require_admin_login
from .pages import minor, page

STATIC = Path(__file__).parent / "static"
PAGE_SIZE = 50
_TENANT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-")


def create_dashboard_app() -> web.Application:
    app = web.Application(middlewares=[require_admin_login])
    app.router.add_get("/", overview, name="overview")
    app.router.add_get("/tenants/{tenant}", tenant_page, name="tenant")
    app.router.add_get("/payments/{payment_id}", payment_page, name="payment")
    app.router.add_static("/static", STATIC, name="static", append_version=True)
    return app


@dataclass(frozen=True, slots=True)
class Moment:
    """One line of a payment's timeline."""

    at: datetime
    what: str
    detail: str
    tone: str


async def overview(request: web.Request) -> web.StreamResponse:
    """Every tenant and provider, and the payments of all tenants (or one), filtered."""
    ctx = request.config_dict[CONTEXT]
    listing = await _listing(request, ctx, request.query.get("tenant") or None)
    tenants = await ctx.store.tenants()
    offsets = await ctx.store.clocks()
    return page(
        request,
        "Dashboard",
        "dashboard/overview",
        tenants=[(t, offsets.get(t.tenant, 0) / 1000) for t in tenants],
        providers=await ctx.plugins.load_all(),
        fixed_tenant=False,
        **listing,
    )


async def tenant_page(request: web.Request) -> web.StreamResponse:
    """A tenant's clock, queues and controls, with its payments and latest webhooks."""
    ctx = request.config_dict[CONTEXT]
    tenant = _tenant(request.match_info["tenant"])
    listing = await _listing(request, ctx, tenant)
    hooks = await ctx.store.list_deliveries(DeliveryFilter(tenant=tenant, limit=20))
    await ctx.clocks.refresh(tenant)
    return page(
        request,
        f"Tenant {tenant}",
        "dashboard/tenant",
        tenant=tenant,
        now=ctx.clocks.now(tenant),
        offset=ctx.clocks.offset_ms(tenant) / 1000,
        outcomes=await ctx.outcomes.entries(ctx.store, tenant),
        faults=await ctx.faults.entries(ctx.store, tenant),
        webhooks=[delivery_view(d) for d in hooks],
        providers=list(ctx.plugins.registrations.values()),
        outcome_names=list(NAMED),
        operation_names=list(OPERATIONS),
        fault_kinds=list(FAULT_KINDS),
        fixed_tenant=True,
        **listing,
    )


async def payment_page(request: web.Request) -> web.StreamResponse:
    """One payment: amounts, timeline, requests, webhook deliveries, a challenge if open."""
    ctx = request.config_dict[CONTEXT]
    payment = await ctx.payments.get(request.match_info["payment_id"])
    if payment is None:
        raise web.HTTPNotFound(text="no such payment")
    deliveries = await ctx.store.list_deliveries(
        DeliveryFilter(payment_id=payment.id, limit=10_000)
    )
    challenge = next(
        (op for op in payment.operations if op.status is OperationStatus.ACTION_REQUIRED), None
    )
    await ctx.clocks.refresh(payment.tenant)
    plugin = ctx.plugins.get(payment.provider)
    choices = plugin.challenge_choices(payment, challenge) if plugin and challenge else ()
    return page(
        request,
        f"Payment {payment.reference}",
        "dashboard/payment",
        payment=payment_view(payment),
        timeline=timeline(payment),
        requests=[exchange_view(e) for e in await ctx.store.list_exchanges(payment.id)],
        webhooks=[delivery_view(d) for d in reversed(deliveries)],
        challenge=challenge.id if challenge else None,
        choices=choices,
        tenant_now=ctx.clocks.now(payment.tenant),
    )


def timeline(payment: Payment) -> list[Moment]:
    """Every operation, status change and dispute move, in order, on the tenant clock."""
    moments = [
        Moment(
            change.at,
            f"{change.old.value if change.old else 'new'} → {change.new.value}",
            "status",
            _tone(change.new),
        )
        for change in payment.history
    ]
    for op in payment.operations:
        amount = minor(abs(op.amount), payment.currency)
        moments.append(
            Moment(op.created_at, f"{op.kind.value} {amount}", f"operation {op.id}", "op")
        )
        if op.updated_at != op.created_at or op.status.is_final:
            reason = f" ({op.reason})" if op.reason and op.reason != "approved" else ""
            moments.append(
                Moment(op.updated_at, f"{op.kind.value} {op.status.value}{reason}", op.id, "op")
            )
    for dispute in payment.disputes:
        for move in dispute.history:
            amount = minor(move.amount, payment.currency)
            what = f"dispute {move.old.value + ' → ' if move.old else ''}{move.new.value} {amount}"
            moments.append(Moment(move.at, what, f"reason {dispute.reason}", "bad"))
    return sorted(moments, key=lambda m: m.at)


async def _listing(request: web.Request, ctx: SandboxContext, tenant: str | None) -> dict[str, Any]:
    query = {k: v for k, v in request.query.items() if k in FILTERS and v}
    problem = None
    try:
        where = payment_filter(query, tenant, PAGE_SIZE)
        payments = await ctx.store.list_payments(where)
        if not payments and query.get("reference"):  # a search for a payment id
            found = await ctx.payments.get(query["reference"])
            payments = [found] if found and tenant in (None, found.tenant) else []
    except AdminProblem as bad:
        payments, problem = [], bad.message
    cursor = next_cursor(payments, PAGE_SIZE)
    return {
        "payments": [payment_view(p) for p in payments],
        "older": str(request.rel_url.update_query(cursor=cursor)) if cursor else None,
        "query": query,
        "problem": problem,
        "statuses": [s.value for s in PaymentStatus],
        "cursor": await ctx.store.last_change(),
        "filtered_tenant": tenant,
    }


def _tenant(tenant: str) -> str:
    if not tenant or len(tenant) > 64 or not set(tenant) <= _TENANT_CHARS:
        raise web.HTTPNotFound(text="no such tenant")
    return tenant


def _tone(status: PaymentStatus) -> str:
    if status in (PaymentStatus.DECLINED, PaymentStatus.FAILED, PaymentStatus.EXPIRED):
        return "bad"
    if status in (PaymentStatus.CAPTURED, PaymentStatus.AUTHORIZED, PaymentStatus.SETTLED):
        return "good"
    return "neutral"
