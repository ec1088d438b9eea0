"""Running a unit of work again when another writer won the race (Conflict at commit)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any, TypeVar

from .base import Conflict, Store, UnitOfWork

T = TypeVar("T")

#: Enough for any realistic contention between a few processes on one row.
ATTEMPTS = 50


async def retried(
    store: Store,
    work: Callable[[UnitOfWork], Awaitable[T]],
    attempts: int = ATTEMPTS,
    *,
    reruns: Callable[[], AbstractAsyncContextManager[Any]] = nullcontext,
) -> T:
    """``work(uow)`` in a fresh unit of work until it returns without a Conflict (it must
    read again everything it writes). The last Conflict propagates.

    The first attempt runs freely; after a Conflict the reruns run inside ``reruns()``, a lock
    the writers of this process that contend for the same rows share. A burst of writers to
    one row (hundreds of purchases taking from one tenant's queued outcomes) then reruns one at
    a time, each against the state the last one committed, instead of all at once again and
    again: a rerun can only lose to a first attempt or to another process.
    """
    try:
        async with store.begin() as uow:
            return await work(uow)
    except Conflict:
        pass
    async with reruns():
        for attempt in range(attempts - 2):
            await backoff(attempt)
            try:
                async with store.begin() as uow:
                    return await work(uow)
            except Conflict:
                pass
        await backoff(attempts - 2)
        async with store.begin() as uow:
            return await work(uow)


async def backoff(attempt: int) -> None:
    """A short random pause, growing with the attempt, so that racing writers spread out."""
    await asyncio.sleep(random.uniform(0, min(0.05, 0.0005 * 2**attempt)))
