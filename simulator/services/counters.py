"""Durable per-tenant counters: the numbers that name generated ids, so a seeded run repeats
them exactly."""

from __future__ import annotations

from ..store import Store
from .locks import KeyedLocks


class TenantCounter:
    def __init__(self, store: Store, kind: str) -> None:
        self._store = store
        self._kind = kind
        self._locks = KeyedLocks()

    async def next(self, tenant: str) -> int:
        """The tenant's next number: 1, 2, 3 … (kept in the store; reset with the tenant)."""
        async with self._locks.hold(tenant), self._store.begin() as uow:
            number = int(await uow.get_document(self._kind, tenant, "next") or 1)
            uow.put_document(self._kind, tenant, "next", number + 1)
            await uow.commit()
        return number
