"""Per-tenant FIFO queues of scripted entries (queued outcomes, injected faults).

Each entry is a JSON object with a ``remaining`` count; ``take`` finds the first entry a matcher
accepts, uses it once (it may note what it was used for on the entry), and stages the change in
the caller's unit of work, so a consumed entry and the state change it caused commit together.
The queue is read from the store every time (any process may have changed it); the unit of
work's version check makes two processes that took the same entry conflict, and the loser runs
again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .base import Store, UnitOfWork
from .retry import retried

Entry = Mapping[str, Any]

_KEY = "queue"


class TenantQueue:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def add(self, store: Store, tenant: str, entries: Sequence[Entry]) -> list[Entry]:
        async def append(uow: UnitOfWork) -> list[Entry]:
            queue = list(await uow.get_document(self.kind, tenant, _KEY) or [])
            queue.extend(dict(e) for e in entries)
            uow.put_document(self.kind, tenant, _KEY, queue)
            await uow.commit()
            return queue

        return await retried(store, append)

    async def entries(self, store: Store, tenant: str) -> list[Entry]:
        async with store.begin() as uow:
            return list(await uow.get_document(self.kind, tenant, _KEY) or [])

    async def clear(self, store: Store, tenant: str) -> None:
        async with store.begin() as uow:
            uow.delete_document(self.kind, tenant, _KEY)
            await uow.commit()

    async def take(
        self,
        uow: UnitOfWork,
        tenant: str,
        matches: Callable[[Entry], bool],
        note: Callable[[Entry], Mapping[str, Any]] | None = None,
    ) -> Entry | None:
        """Use the first entry ``matches`` accepts once: it is returned with what ``note``
        adds to it and the ``remaining`` count left."""
        queue = await uow.get_document(self.kind, tenant, _KEY)
        if not queue:
            return None
        for index, entry in enumerate(queue):
            if matches(entry):
                left = int(entry.get("remaining", 1)) - 1
                used = {**entry, **(note(entry) if note else {}), "remaining": left}
                rest = list(queue)
                if left > 0:
                    rest[index] = used
                else:
                    del rest[index]
                if rest:
                    uow.put_document(self.kind, tenant, _KEY, rest)
                else:
                    uow.delete_document(self.kind, tenant, _KEY)
                return used
        return None
