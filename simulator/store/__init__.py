"""Persistence behind one small protocol: ``memory://``, ``sqlite:///path`` and
``postgresql://...`` backends."""

from typing import TYPE_CHECKING, Any

from .base import (
    Claim,
    Conflict,
    Cursor,
    DeliveryFilter,
    PaymentFilter,
    Store,
    StoreError,
    StoreUnavailable,
    UnitOfWork,
)
from .memory import MemoryStore
from .records import Attempt, Change, Delivery, DeliveryState, Exchange, TenantSummary

if TYPE_CHECKING:
    from .postgres import PostgresStore
    from .sqlite import SqliteStore


def __getattr__(name: str) -> Any:
    # The SQL backends (sqlite3, asyncpg) are imported only when asked for: a sandbox starts
    # without the ones its store does not use.
    if name == "PostgresStore":
        from .postgres import PostgresStore

        return PostgresStore
    if name == "SqliteStore":
        from .sqlite import SqliteStore

        return SqliteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def store_from_url(url: str) -> Store:
    """The backend a store URL names: ``memory://``, ``sqlite:///path/to/file.db`` or
    ``postgresql://user:pass@host:5432/db``."""
    if url.startswith("memory://"):
        return MemoryStore(url)
    if url.startswith("sqlite:"):
        from .sqlite import SqliteStore

        return SqliteStore(url)
    if url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(
        f"unknown store URL {url!r}: use memory://, sqlite:///path or postgresql://..."
    )


def shares_state(url: str) -> bool:
    """Whether several processes can serve one state from this store (not ``memory://``)."""
    return not url.startswith("memory://")


__all__ = [
    "Attempt",
    "Change",
    "Claim",
    "Conflict",
    "Cursor",
    "Delivery",
    "DeliveryFilter",
    "DeliveryState",
    "Exchange",
    "MemoryStore",
    "PaymentFilter",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "TenantSummary",
    "UnitOfWork",
    "shares_state",
    "store_from_url",
]
