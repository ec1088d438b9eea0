"""Virtual clocks: each tenant's time is real UTC time plus an offset that only moves forward.

Offsets live in the store, so every process tells the same time. A request reads its tenant's
offset once, when it starts (``refresh``); whatever it does then reads that time. No process
keeps offsets beyond the task that read them: asking the time of a tenant whose offset the
task did not read is a programming error, and says so. Due work runs
``at`` its own moment: inside ``with clocks.at(tenant, moment)`` the tenant's time is that
moment, whatever the offset says — a retry due at 10:00:10 is sent at 10:00:10 even when a clock
advance jumped past it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from ..store import Store

#: The latest tenant time a clock may show. Dates derived from it (expiries, key lifetimes,
#: retries, settlement days) stay far below year 9999, the last one Python and ISO 8601 know.
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

#: This task's tenant and offset, read when its request started.
_OFFSET: ContextVar[tuple[str, int] | None] = ContextVar("tenant_offset", default=None)
#: This task's tenant and the moment its due work runs at.
_AT: ContextVar[tuple[str, datetime] | None] = ContextVar("tenant_moment", default=None)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ClockOutOfRange(ValueError):
    """The clock would pass LATEST."""


class Clocks:
    """Per-tenant virtual time, read from the store."""

    def __init__(self, store: Store, real_now: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self.real_now = real_now

    async def refresh(self, tenant: str) -> int:
        """Read the tenant's offset from the store for the rest of this task."""
        offset = await self._store.clock_offset(tenant)
        _OFFSET.set((tenant, offset))
        return offset

    async def ensure(self, tenant: str) -> None:
        """``refresh`` unless this task read the tenant's offset already."""
        current = _OFFSET.get()
        if current is None or current[0] != tenant:
            await self.refresh(tenant)

    def offset_ms(self, tenant: str) -> int:
        current = _OFFSET.get()
        if current is None or current[0] != tenant:
            raise RuntimeError(
                f"the clock of tenant {tenant!r} was not read in this task: "
                "await clocks.ensure(tenant) first"
            )
        return current[1]

    def now(self, tenant: str) -> datetime:
        moment = _AT.get()
        if moment is not None and moment[0] == tenant:
            return moment[1]
        offset = self.offset_ms(tenant)
        now = self.real_now()
        return now if offset == 0 else now + timedelta(milliseconds=offset)

    @contextmanager
    def at(self, tenant: str, moment: datetime) -> Iterator[None]:
        """Run the block at ``moment`` of the tenant's time (due work at its own time)."""
        token = _AT.set((tenant, moment))
        try:
            yield
        finally:
            _AT.reset(token)

    async def advance(self, tenant: str, seconds: float) -> datetime:
        """Move the tenant's clock forward; concurrent advances add up. Raises
        ClockOutOfRange, and stores nothing, if the clock would pass LATEST."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        delta = round(seconds * 1000)
        room = int((LATEST - self.real_now()).total_seconds() * 1000)
        offset = await self._store.advance_clock(tenant, delta, room)
        if offset is None:
            raise ClockOutOfRange(f"the clock cannot pass {LATEST.date().isoformat()}")
        _OFFSET.set((tenant, offset))
        return self.now(tenant)

    def forget(self) -> None:
        """The store was reset: the offset this task read may be gone."""
        _OFFSET.set(None)
