"""Export: one tenant's state, read from the store, as a case document."""

from __future__ import annotations

from dataclasses import replace

from ..context import SandboxContext
from ..store import DeliveryFilter, DeliveryState, PaymentFilter
from .document import (
    CaseClock,
    CaseCredential,
    CaseDocument,
    CaseDocumentEntry,
    CasePayment,
    CaseRequest,
)

#: More than any tenant a person can look at holds; an export never truncates silently.
_ALL = 10_000_000


async def export_case(
    ctx: SandboxContext, tenant: str, *, with_secrets: bool = False
) -> CaseDocument | None:
    """The tenant's case, or None when nothing at all is stored for it."""
    store = ctx.store
    payments = sorted(
        await store.list_payments(PaymentFilter(tenant=tenant, limit=_ALL)),
        key=lambda p: (p.created_at, p.id),
    )
    aliases: dict[str, list[str]] = {}
    for _provider, alias, payment_id in await store.list_aliases(tenant):
        aliases.setdefault(payment_id, []).append(alias)
    cases = []
    for payment in payments:
        requests = [CaseRequest.of(e) for e in await store.list_exchanges(payment.id)]
        cases.append(
            CasePayment(payment=payment, aliases=aliases.get(payment.id, []), requests=requests)
        )
    deliveries = sorted(
        await store.list_deliveries(DeliveryFilter(tenant=tenant, limit=_ALL)),
        key=lambda d: (d.created_at, d.id),
    )
    # A send under way belongs to the process making it: the case has it still to send.
    deliveries = [
        replace(d, state=DeliveryState.PENDING) if d.state is DeliveryState.IN_FLIGHT else d
        for d in deliveries
    ]
    documents = [
        CaseDocumentEntry(kind=kind, key=key, value=value)
        for kind, key, value in await store.documents_of(tenant)
    ]
    credentials = [
        CaseCredential(
            provider=c.provider,
            key=c.key,
            secret=c.secret if with_secrets or c.secret is None else _masked(c.secret),
            secret_masked=not with_secrets and c.secret is not None,
            extra=dict(c.extra),
            configured=c.configured,
        )
        for c in await ctx.credentials.of_tenant(tenant)
    ]
    offset = (await store.clocks()).get(tenant)
    if not (payments or deliveries or documents or credentials or offset is not None):
        return None
    return CaseDocument(
        tenant=tenant,
        clock=CaseClock(offset_ms=offset or 0),
        payments=cases,
        deliveries=deliveries,
        documents=documents,
        credentials=credentials,
    )


def _masked(secret: str) -> str:
    return "*" * max(len(secret) - 4, 4) + secret[-4:]
