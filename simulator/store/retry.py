"""Running a unit of work again when another writer won the race (Conflict at commit)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from .base import Conflict, Store, UnitOfWork

T = TypeVar("T")

#: Enough for any realistic contention between a few processes on one row.
ATTEMPTS = 50


async def retried(
    store: Store, work: Callable[[UnitOfWork], Awaitable[T]], attempts: int = ATTEMPTS
) -> T:
    """``work(uow)`` in a fresh unit of work until it returns without a Conflict (it must
    read again everything it writes). The last Conflict propagates."""
    for attempt in range(attempts - 1):
        try:
            async with store.begin() as uow:
                return await work(uow)
        except Conflict:
            await backoff(attempt)
    async with store.begin() as uow:
        return await work(uow)


async def backoff(attempt: int) -> None:
    """A short random pause, growing with the attempt, so that racing writers spread out."""
    await asyncio.sleep(random.uniform(0, min(0.05, 0.0005 * 2**attempt)))
