"""Virtual clocks: each tenant's time is real UTC time plus an offset that only moves forward."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ..store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clocks:
    """Per-tenant virtual time. Offsets live in the store; this keeps a read-through copy."""

    def __init__(self, store: Store, real_now: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._offsets: dict[str, int] = {}
        self.real_now = real_now

    async def load(self) -> None:
        self._offsets = await self._store.clocks()

    def offset_ms(self, tenant: str) -> int:
        return self._offsets.get(tenant, 0)

    def now(self, tenant: str) -> datetime:
        offset = self._offsets.get(tenant)
        now = self.real_now()
        return now if offset is None else now + timedelta(milliseconds=offset)

    async def advance(self, tenant: str, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        offset = self.offset_ms(tenant) + round(seconds * 1000)
        async with self._store.begin() as uow:
            uow.set_clock(tenant, offset)
            await uow.commit()
        self._offsets[tenant] = offset
        return self.now(tenant)

    def forget(self, tenant: str | None = None) -> None:
        if tenant is None:
            self._offsets.clear()
        else:
            self._offsets.pop(tenant, None)
