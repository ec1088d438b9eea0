"""The Store / UnitOfWork protocol: the only storage API the rest of the sandbox sees.

A unit of work reads through ``await`` and stages writes without waiting; ``commit()`` makes all
of them durable at once, or none. An HTTP answer is sent only after its commit returned.
A payment or document a unit of work read is written back only if nobody changed it since:
otherwise ``commit()`` raises Conflict and the caller runs the unit again (optimistic versions,
which hold between processes sharing one store). What it did not read is written blindly.

Times in payments and deliveries are tenant-clock times. Queries for due work take the real
time and let the store add each tenant's clock offset; claims and locks expire on real time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..engine import Payment
from .records import Change, Delivery, DeliveryState, Exchange, TenantSummary


class StoreError(Exception):
    """Base of the store's errors."""


class StoreUnavailable(StoreError):
    """The store cannot be opened; the message says why, in words a person can act on."""


class Conflict(StoreError):
    """A write broke a uniqueness rule or met a newer version (another writer won the race)."""


#: Where a page of a listing starts: (created_at, id) of the last row of the previous page.
Cursor = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    tenant: str | None = None
    provider: str | None = None
    reference: str | None = None
    status: str | None = None
    #: Requested amount in minor units, bounds included.
    min_amount: int | None = None
    max_amount: int | None = None
    #: Creation time (tenant clock): from included, until excluded.
    created_from: datetime | None = None
    created_until: datetime | None = None
    #: Keyset paging: only payments listed after this one, newest first — the
    #: ``(created_at, id)`` of the last payment of the previous page.
    before: Cursor | None = None
    limit: int = 100

    def admits(
        self,
        tenant: str,
        provider: str,
        reference: str,
        status: str,
        amount: int,
        created_at: datetime,
    ) -> bool:
        """Whether a payment with these fields is one the filter lists (paging aside)."""
        return (
            self.tenant in (None, tenant)
            and self.provider in (None, provider)
            and self.reference in (None, reference)
            and self.status in (None, status)
            and (self.min_amount is None or amount >= self.min_amount)
            and (self.max_amount is None or amount <= self.max_amount)
            and (self.created_from is None or created_at >= self.created_from)
            and (self.created_until is None or created_at < self.created_until)
        )


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    tenant: str | None = None
    provider: str | None = None
    payment_id: str | None = None
    state: DeliveryState | None = None
    limit: int = 100
    #: Keyset paging, as for payments.
    before: Cursor | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """Who claims due deliveries, for how long, and how many."""

    real_now: datetime
    #: The claiming process (a claim held by another owner is not touched while it lasts).
    owner: str
    #: Real milliseconds the claim lasts; past that another process may claim the delivery.
    lease_ms: int
    limit: int
    #: At most this many deliveries of one tenant in flight at once, counting live claims.
    per_tenant: int
    #: Only this tenant's deliveries.
    tenant: str | None = None


class UnitOfWork(Protocol):
    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...

    # payments
    async def get_payment(self, payment_id: str) -> Payment | None: ...
    async def find_payment(self, tenant: str, provider: str, reference: str) -> Payment | None: ...
    async def resolve_alias(self, tenant: str, provider: str, alias: str) -> str | None: ...
    def save_payment(self, payment: Payment, aliases: Iterable[str] = ()) -> None: ...

    # webhook deliveries
    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...
    def save_delivery(self, delivery: Delivery) -> None: ...

    # small typed documents: credentials, queued outcomes, faults, idempotency records ...
    async def get_document(self, kind: str, tenant: str, key: str) -> Any | None: ...
    def put_document(self, kind: str, tenant: str, key: str, value: Any) -> None: ...
    def delete_document(self, kind: str, tenant: str, key: str) -> None: ...

    # tenant clocks (milliseconds ahead of real time)
    def set_clock(self, tenant: str, offset_ms: int) -> None: ...

    # the requests that acted on a payment
    def save_exchange(self, exchange: Exchange) -> None: ...

    #: Forget everything of one tenant, in this unit of work (writes staged after it apply
    #: on the emptied tenant: an import replaces a tenant atomically).
    def forget_tenant(self, tenant: str) -> None: ...

    async def commit(self) -> None: ...


class Store(Protocol):
    url: str

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def begin(self) -> UnitOfWork:
        """A new unit of work; use it as ``async with store.begin() as uow``."""
        ...

    #: Newest first, from ``where.before`` on (keyset paging).
    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]: ...
    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]: ...
    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]: ...

    async def clocks(self) -> dict[str, int]: ...
    async def clock_offset(self, tenant: str) -> int: ...
    #: Add ``delta_ms`` to the tenant's offset atomically (concurrent advances add up) and
    #: return the new offset; None, and nothing stored, if it would pass ``max_offset_ms``.
    async def advance_clock(self, tenant: str, delta_ms: int, max_offset_ms: int) -> int | None: ...

    #: (tenant, payment id) of payments whose due time has come on their tenant's clock,
    #: earliest first.
    async def due_payments(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[tuple[str, str]]: ...
    #: PENDING deliveries whose due time has come on their tenant's clock, oldest first.
    async def due_deliveries(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[Delivery]: ...
    #: The real moment after ``real_now`` at which the next PENDING delivery falls due on its
    #: tenant's clock (the offset taken off); None if none is waiting for a later moment.
    async def next_delivery_due(self, real_now: datetime) -> datetime | None: ...
    #: Atomically mark due deliveries (and those whose claim expired) IN_FLIGHT for
    #: ``claim.owner``, fairly across tenants; two claimers never get the same delivery.
    async def claim_deliveries(self, claim: Claim) -> Sequence[Delivery]: ...
    #: Store a claimed delivery's outcome if ``owner`` still holds its claim; False if not.
    async def settle_delivery(self, delivery: Delivery, owner: str) -> bool: ...
    #: Hand back (as PENDING) every delivery ``owner`` holds: that instance starts afresh.
    async def release_claims(self, owner: str) -> int: ...

    #: A named lock between processes: taken if free or expired (``ttl_ms`` real ms from
    #: ``real_now``); True if ``owner`` holds it now.
    async def try_lock(self, name: str, owner: str, real_now: datetime, ttl_ms: int) -> bool: ...
    async def unlock(self, name: str, owner: str) -> None: ...

    #: Forget one tenant's state, or everything.
    async def reset(self, tenant: str | None = None) -> None: ...

    #: The requests that acted on a payment, oldest first.
    async def list_exchanges(self, payment_id: str) -> Sequence[Exchange]: ...
    #: Every tenant with state (payments, a clock, documents), by name.
    async def tenants(self) -> Sequence[TenantSummary]: ...
    #: One tenant's aliases: ``(provider, alias, payment id)``, sorted.
    async def list_aliases(self, tenant: str) -> Sequence[tuple[str, str, str]]: ...
    #: One tenant's documents: ``(kind, key, value)``, sorted by kind and key.
    async def documents_of(self, tenant: str) -> Sequence[tuple[str, str, Any]]: ...
    #: The change feed: changes after ``after`` (oldest first), of one tenant or all. A reset
    #: records a ``tenant`` change. Sequence numbers only grow, across resets too.
    async def changes(
        self, after: int, tenant: str | None = None, limit: int = 500
    ) -> Sequence[Change]: ...
    #: The newest change's sequence number (0 before any): where a new reader starts.
    async def last_change(self) -> int: ...
