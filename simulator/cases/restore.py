"""Import: a case document replaces one tenant's state, in one unit of work.

Everything is checked before anything is written: a document that is malformed, of a newer
version, or whose payment or delivery ids belong to another tenant changes nothing. Ids are
kept as exported (they are what the merchant saw), so a case lands beside its original only
in another sandbox, or once the original tenant is reset.

Credentials are never taken from another tenant: a provisioned credential of the case is
restored only when this sandbox does not know its key (and its secret was exported);
configured credentials always come from the sandbox's own settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..context import SandboxContext
from ..services.credentials import Credential
from .document import CaseDocument


class IdsInUse(ValueError):
    """Payments or deliveries of the case already belong to another tenant."""


@dataclass(frozen=True, slots=True)
class Restored:
    tenant: str
    payments: int
    deliveries: int
    documents: int
    credentials: int
    #: Credentials of the case left as the sandbox has them (configured, known, or masked).
    credentials_skipped: int


async def restore_case(ctx: SandboxContext, case: CaseDocument, tenant: str) -> Restored:
    """Replace ``tenant``'s state with the case's (exported from any tenant)."""
    await _check_ids(ctx, case, tenant)
    credentials = [c for c in case.credentials if not (c.configured or c.secret_masked)]
    restorable = [c for c in credentials if await ctx.credentials.lookup(c.provider, c.key) is None]
    if ctx.credentials.mode == "strict":
        restorable = []
    async with ctx.store.begin() as uow:
        uow.forget_tenant(tenant)
        uow.set_clock(tenant, case.clock.offset_ms)
        for entry in case.payments:
            payment = replace(entry.payment, tenant=tenant)
            uow.save_payment(payment, aliases=entry.aliases)
            for r in entry.requests:
                uow.save_exchange(r.exchange(tenant, payment.id))
        for delivery in case.deliveries:
            uow.save_delivery(replace(delivery, tenant=tenant))
        for doc in case.documents:
            uow.put_document(doc.kind, tenant, doc.key, doc.value)
        for c in restorable:
            credential = Credential(c.provider, c.key, c.secret, tenant, c.extra)
            ctx.credentials.remember(uow, credential)
        await uow.commit()
    ctx.dispatcher.wake()
    return Restored(
        tenant,
        len(case.payments),
        len(case.deliveries),
        len(case.documents),
        len(restorable),
        len(case.credentials) - len(restorable),
    )


async def _check_ids(ctx: SandboxContext, case: CaseDocument, tenant: str) -> None:
    taken: list[str] = []
    async with ctx.store.begin() as uow:
        for entry in case.payments:
            found = await uow.get_payment(entry.payment.id)
            if found is not None and found.tenant != tenant:
                taken.append(f"payment {found.id} (tenant {found.tenant})")
        for delivery in case.deliveries:
            other = await uow.get_delivery(delivery.id)
            if other is not None and other.tenant != tenant:
                taken.append(f"delivery {other.id} (tenant {other.tenant})")
    if taken:
        more = f" and {len(taken) - 3} more" if len(taken) > 3 else ""
        raise IdsInUse(
            f"ids of this case belong to another tenant: {', '.join(taken[:3])}{more}; reset "
            "that tenant first, or import into another sandbox"
        )
