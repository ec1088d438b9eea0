"""Named locks that hold between processes: an in-process lock first, then the store's lease."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from ..store import Store
from ..store.retry import backoff
from .locks import KeyedLocks

_owners: dict[int, str] = {}


def process_owner() -> str:
    """This process's name in the store's locks and claims (unique, even after a fork)."""
    pid = os.getpid()
    if pid not in _owners:
        _owners[pid] = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}"
    return _owners[pid]


class Mutexes:
    """``async with mutexes.hold(key):`` — one holder per key among every process sharing
    the store. A holder that dies lets go when its lease (real time) runs out."""

    def __init__(self, store: Store, lease_ms: int = 30_000) -> None:
        self._store = store
        self._lease_ms = lease_ms
        self._local = KeyedLocks()

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        name = repr(key)
        owner = process_owner()
        async with self._local.hold(key):
            attempt = 0
            while not await self._store.try_lock(name, owner, datetime.now(UTC), self._lease_ms):
                await backoff(min(attempt, 6))
                attempt += 1
            try:
                yield
            finally:
                await self._store.unlock(name, owner)
