"""The Store / UnitOfWork protocol: the only storage API the rest of the sandbox sees.

A unit of work reads through ``await`` and stages writes without waiting; ``commit()`` makes all
of them durable at once, or none. An HTTP answer is sent only after its commit returned.

Times in payments and deliveries are tenant-clock times. Queries for due work take the real
time and let the store add each tenant's clock offset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..engine import Payment
from .records import Delivery, DeliveryState


class StoreError(Exception):
    """Base of the store's errors."""


class StoreUnavailable(StoreError):
    """The store cannot be opened; the message says why, in words a person can act on."""


class Conflict(StoreError):
    """A write broke a uniqueness rule (another writer won the race)."""


@dataclass(frozen=True, slots=True)
class PaymentFilter:
    tenant: str | None = None
    provider: str | None = None
    reference: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    tenant: str | None = None
    provider: str | None = None
    payment_id: str | None = None
    state: DeliveryState | None = None
    limit: int = 100


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

    async def commit(self) -> None: ...


class Store(Protocol):
    url: str

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    def begin(self) -> UnitOfWork:
        """A new unit of work; use it as ``async with store.begin() as uow``."""
        ...

    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]: ...
    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]: ...
    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]: ...
    async def clocks(self) -> dict[str, int]: ...
    #: (tenant, payment id) of payments whose due time has come on their tenant's clock.
    async def due_payments(self, real_now: datetime, limit: int) -> Sequence[tuple[str, str]]: ...
    #: PENDING deliveries whose due time has come on their tenant's clock, oldest first.
    async def due_deliveries(self, real_now: datetime, limit: int) -> Sequence[Delivery]: ...
    #: Forget one tenant's state, or everything.
    async def reset(self, tenant: str | None = None) -> None: ...
