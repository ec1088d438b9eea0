"""Persistence behind one small protocol: ``memory://`` and ``sqlite:///path`` backends."""

from .base import Conflict, DeliveryFilter, PaymentFilter, Store, StoreError, UnitOfWork
from .memory import MemoryStore
from .records import Attempt, Change, Delivery, DeliveryState, Exchange, TenantSummary
from .sqlite import SqliteStore


def store_from_url(url: str) -> Store:
    """The backend a store URL names: ``memory://`` or ``sqlite:///path/to/file.db``."""
    if url.startswith("memory://"):
        return MemoryStore(url)
    if url.startswith("sqlite:"):
        return SqliteStore(url)
    raise ValueError(f"unknown store URL {url!r}: use memory:// or sqlite:///path")


__all__ = [
    "Attempt",
    "Change",
    "Conflict",
    "Delivery",
    "DeliveryFilter",
    "DeliveryState",
    "Exchange",
    "MemoryStore",
    "PaymentFilter",
    "SqliteStore",
    "Store",
    "StoreError",
    "TenantSummary",
    "UnitOfWork",
    "store_from_url",
]
