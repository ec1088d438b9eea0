"""Durable per-tenant counters: the numbers that name generated ids, so a seeded run repeats
them exactly."""

from __future__ import annotations

from ..store import Store, UnitOfWork
from ..store.retry import retried
from .locks import KeyedLocks


class TenantCounter:
    def __init__(self, store: Store, kind: str) -> None:
        self._store = store
        self._kind = kind
        #: Spares reruns between this process's own callers; the store's versions make the
        #: number unique across processes (a racing commit is a Conflict, and it runs again).
        self._locks = KeyedLocks()

    async def next(self, tenant: str) -> int:
        """The tenant's next number: 1, 2, 3 … (kept in the store; reset with the tenant)."""

        async def take(uow: UnitOfWork) -> int:
            number = int(await uow.get_document(self._kind, tenant, "next") or 1)
            uow.put_document(self._kind, tenant, "next", number + 1)
            await uow.commit()
            return number

        async with self._locks.hold(tenant):
            return await retried(self._store, take)
