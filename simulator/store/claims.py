"""Claiming due webhook deliveries fairly without walking the whole queue: the order of a
claim (``fair_share``) and the memory store's index of open deliveries — per tenant, the
pending ones in due order and the claimed ones with their lease."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

from .records import DeliveryState

#: (due ms on the tenant clock, created ms, delivery id): the order due deliveries go out in.
Key = tuple[int, int, str]


class ClaimIndex:
    def __init__(self) -> None:
        #: Pending deliveries of each tenant, sorted by Key.
        self._queued: dict[str, list[Key]] = {}
        #: Claimed (in flight) deliveries of each tenant: id -> (lease end ms, Key).
        self._held: dict[str, dict[str, tuple[int, Key]]] = {}
        #: Where each indexed delivery is: its tenant, and its Key if it is queued.
        self._where: dict[str, tuple[str, Key | None]] = {}

    def put(
        self,
        tenant: str,
        delivery_id: str,
        state: DeliveryState,
        key: Key,
        until_ms: int = 0,
    ) -> None:
        """Index a delivery as it is now (a closed one is dropped from the index)."""
        self.remove(delivery_id)
        if state is DeliveryState.PENDING:
            bisect.insort(self._queued.setdefault(tenant, []), key)
            self._where[delivery_id] = (tenant, key)
        elif state is DeliveryState.IN_FLIGHT:
            self._held.setdefault(tenant, {})[delivery_id] = (until_ms, key)
            self._where[delivery_id] = (tenant, None)

    def remove(self, delivery_id: str) -> None:
        found = self._where.pop(delivery_id, None)
        if found is None:
            return
        tenant, key = found
        if key is None:
            held = self._held[tenant]
            del held[delivery_id]
            if not held:
                del self._held[tenant]
            return
        queued = self._queued[tenant]
        del queued[bisect.bisect_left(queued, key)]
        if not queued:
            del self._queued[tenant]

    def ids(self, state: DeliveryState, tenant: str | None = None) -> list[str]:
        """The pending (or the claimed) deliveries, of one tenant or of all."""
        if state is DeliveryState.PENDING:
            lists = self._queued.values() if tenant is None else [self._queued.get(tenant, [])]
            return [key[2] for keys in lists for key in keys]
        held = self._held.values() if tenant is None else [self._held.get(tenant, {})]
        return [delivery_id for claims in held for delivery_id in claims]

    def next_due(self, now_ms: int, offset_ms: Callable[[str], int]) -> int | None:
        """The real ms after ``now_ms`` at which the next pending delivery falls due (each
        tenant's clock offset taken off), or None."""
        found = None
        for tenant, keys in self._queued.items():
            offset = offset_ms(tenant)
            after = bisect.bisect_right(keys, now_ms + offset, key=lambda key: key[0])
            if after < len(keys) and (found is None or keys[after][0] - offset < found):
                found = keys[after][0] - offset
        return found

    def forget(self, doomed: Iterable[str]) -> None:
        """Drop these deliveries (a tenant's reset)."""
        for delivery_id in list(doomed):
            self.remove(delivery_id)

    def claimable(
        self,
        now_ms: int,
        tenant_now_ms: Callable[[str], int],
        per_tenant: int,
        limit: int,
        tenant: str | None = None,
    ) -> list[str]:
        """Ids of the deliveries a claim takes: per tenant, those due on its clock (and those
        whose lease ran out) in due order, as many as its cap of live claims leaves room for;
        every tenant's first before any tenant's second."""
        tenants: Iterable[str] = (tenant,) if tenant is not None else {*self._queued, *self._held}
        ready: list[list[Key]] = []
        for owner in tenants:
            live, expired = 0, []
            for until_ms, key in self._held.get(owner, {}).values():
                if until_ms >= now_ms:
                    live += 1
                else:
                    expired.append(key)
            room = per_tenant - live
            if room <= 0:
                continue
            due_by = tenant_now_ms(owner)
            due = [key for key in self._queued.get(owner, [])[:room] if key[0] <= due_by]
            ready.append(sorted(due + expired)[:room] if expired else due)
        return fair_share(ready, limit)


def fair_share(ready: Iterable[Sequence[Key]], limit: int) -> list[str]:
    """Ids of up to ``limit`` deliveries out of each tenant's ready ones (each list in due order
    and within the tenant's room): every tenant's first before any tenant's second, then by
    due time."""
    ranked = [
        (place, key[0], key[2]) for keys in ready for place, key in enumerate(keys)
    ]  # (place, due ms, id)
    ranked.sort()
    return [delivery_id for _place, _due, delivery_id in ranked[:limit]]
