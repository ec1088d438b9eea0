"""Per-key asyncio locks: requests on one payment run one at a time, others run freely."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable


class _Slot:
    """One key's lock and how many hold it or wait for it (forgotten at zero)."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class KeyedLocks:
    def __init__(self) -> None:
        self._slots: dict[Hashable, _Slot] = {}

    def hold(self, key: Hashable) -> _Held:
        """``async with locks.hold(key):`` — one holder per key at a time."""
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        slot.users += 1
        return _Held(self, key, slot)

    def busy(self, key: Hashable) -> bool:
        """Whether someone holds ``key`` or waits for it."""
        return key in self._slots

    def _leave(self, key: Hashable, slot: _Slot) -> None:
        slot.users -= 1
        if slot.users == 0:
            del self._slots[key]

    def __len__(self) -> int:
        return len(self._slots)


class _Held:
    __slots__ = ("_key", "_locks", "_slot")

    def __init__(self, locks: KeyedLocks, key: Hashable, slot: _Slot) -> None:
        self._locks, self._key, self._slot = locks, key, slot

    async def __aenter__(self) -> None:
        try:
            await self._slot.lock.acquire()
        except BaseException:
            self._locks._leave(self._key, self._slot)
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._slot.lock.release()
        self._locks._leave(self._key, self._slot)
