"""Durable SQLite store (``sqlite:///path``), the default for ``serve``.

One connection in WAL mode, used from the event loop's thread. Reads run directly (a point
lookup is a few microseconds). Writes are *group-committed*: every unit of work that commits in
the same turn of the event loop joins one transaction, each inside its own SAVEPOINT, so one
unit's conflict rolls back only that unit. A commit() returns only once its transaction is
committed, so an HTTP answer always follows durable state.

``synchronous=NORMAL``: a committed transaction survives the process being killed; the last
ones may be lost on power failure, which a local sandbox accepts for ~10x the throughput.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..engine import Payment
from .base import Conflict, DeliveryFilter, PaymentFilter, StoreError
from .codec import (
    decode_delivery,
    decode_document,
    decode_exchange,
    decode_payment,
    encode_delivery,
    encode_document,
    encode_exchange,
    encode_payment,
    millis,
)
from .records import Change, Delivery, Exchange, TenantSummary

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    provider TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    due_ms INTEGER,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    body BLOB NOT NULL,
    UNIQUE (tenant, provider, reference)
);
CREATE INDEX IF NOT EXISTS payments_due ON payments (due_ms) WHERE due_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS aliases (
    tenant TEXT NOT NULL,
    provider TEXT NOT NULL,
    alias TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    PRIMARY KEY (tenant, provider, alias)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    provider TEXT NOT NULL,
    payment_id TEXT,
    state TEXT NOT NULL,
    due_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (due_ms) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_payment ON deliveries (payment_id);
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (kind, tenant, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_tenant ON documents (tenant);
CREATE TABLE IF NOT EXISTS clocks (
    tenant TEXT PRIMARY KEY,
    offset_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS exchanges (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS exchanges_payment ON exchanges (payment_id, seq);
CREATE INDEX IF NOT EXISTS exchanges_tenant ON exchanges (tenant);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    UNIQUE (kind, ref)
);
CREATE INDEX IF NOT EXISTS changes_tenant ON changes (tenant, seq);
-- How many payments each tenant has, and its newest: kept by a trigger, so that summing up
-- the tenants never scans the payments.
CREATE TABLE IF NOT EXISTS tenant_payments (
    tenant TEXT PRIMARY KEY,
    payments INTEGER NOT NULL,
    newest_ms INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS payments_counted AFTER INSERT ON payments BEGIN
    INSERT INTO tenant_payments (tenant, payments, newest_ms) VALUES (NEW.tenant, 1, NEW.created_ms)
    ON CONFLICT (tenant) DO UPDATE
    SET payments = payments + 1, newest_ms = max(newest_ms, excluded.newest_ms);
END;
"""

#: Listing indexes (created after the columns they need exist, in files of older versions too):
#: newest first, alone or within a tenant or a status; exact references.
LISTING = """
CREATE INDEX IF NOT EXISTS payments_recent ON payments (tenant, created_ms, id);
CREATE INDEX IF NOT EXISTS payments_listing ON payments (created_ms, id);
CREATE INDEX IF NOT EXISTS payments_status ON payments (status, created_ms, id);
CREATE INDEX IF NOT EXISTS payments_reference ON payments (reference);
"""

#: Files written before payments had listing columns get them, filled from the stored bodies.
_MIGRATIONS = (
    ("status", "ALTER TABLE payments ADD COLUMN status TEXT NOT NULL DEFAULT ''"),
    ("amount", "ALTER TABLE payments ADD COLUMN amount INTEGER NOT NULL DEFAULT 0"),
)
_BACKFILL = (
    "UPDATE payments SET status = json_extract(CAST(body AS TEXT), '$.status'), "
    "amount = json_extract(CAST(body AS TEXT), '$.amount')"
)

_Write = tuple[str, tuple[Any, ...]]

_UPSERT_PAYMENT = (
    "INSERT INTO payments (id, tenant, provider, reference, created_ms, due_ms, status, amount, "
    "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET due_ms = excluded.due_ms, status = excluded.status, "
    "body = excluded.body"
)
_TOUCH = "INSERT OR REPLACE INTO changes (tenant, kind, ref) VALUES (?, ?, ?)"
_FORGET = (
    "payments",
    "tenant_payments",
    "aliases",
    "deliveries",
    "documents",
    "clocks",
    "exchanges",
    "changes",
)
_UPSERT_ALIAS = (
    "INSERT OR REPLACE INTO aliases (tenant, provider, alias, payment_id) VALUES (?, ?, ?, ?)"
)
_UPSERT_DELIVERY = (
    "INSERT OR REPLACE INTO deliveries (id, tenant, provider, payment_id, state, due_ms, "
    "created_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_TENANT_NOW = "(? + COALESCE((SELECT offset_ms FROM clocks c WHERE c.tenant = {t}.tenant), 0))"


def path_of(url: str) -> Path:
    """``sqlite:///relative.db`` → ``relative.db``; ``sqlite:////abs/x.db`` → ``/abs/x.db``."""
    if not url.startswith("sqlite:///") or url == "sqlite:///":
        raise ValueError(f"not a sqlite URL with a path: {url!r}")
    return Path(url.removeprefix("sqlite:///"))


class SqliteUnitOfWork:
    """Reads at once; writes staged until ``commit`` (``async with store.begin() as uow``)."""

    async def __aenter__(self) -> SqliteUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._writes: list[_Write] = []

    async def get_payment(self, payment_id: str) -> Payment | None:
        row = self._store.one("SELECT body FROM payments WHERE id = ?", (payment_id,))
        return decode_payment(row[0]) if row else None

    async def find_payment(self, tenant: str, provider: str, reference: str) -> Payment | None:
        row = self._store.one(
            "SELECT body FROM payments WHERE tenant = ? AND provider = ? AND reference = ?",
            (tenant, provider, reference),
        )
        return decode_payment(row[0]) if row else None

    async def resolve_alias(self, tenant: str, provider: str, alias: str) -> str | None:
        row = self._store.one(
            "SELECT payment_id FROM aliases WHERE tenant = ? AND provider = ? AND alias = ?",
            (tenant, provider, alias),
        )
        return row[0] if row else None

    def save_payment(self, payment: Payment, aliases: Iterable[str] = ()) -> None:
        due = millis(payment.due_at) if payment.due_at else None
        self._writes.append(
            (
                _UPSERT_PAYMENT,
                (
                    payment.id,
                    payment.tenant,
                    payment.provider,
                    payment.reference,
                    millis(payment.created_at),
                    due,
                    payment.status.value,
                    payment.amount,
                    encode_payment(payment),
                ),
            )
        )
        self._writes.append((_TOUCH, (payment.tenant, "payment", payment.id)))
        for alias in aliases:
            self._writes.append(
                (_UPSERT_ALIAS, (payment.tenant, payment.provider, alias, payment.id))
            )

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = self._store.one("SELECT body FROM deliveries WHERE id = ?", (delivery_id,))
        return decode_delivery(row[0]) if row else None

    def save_delivery(self, delivery: Delivery) -> None:
        self._writes.append(
            (
                _UPSERT_DELIVERY,
                (
                    delivery.id,
                    delivery.tenant,
                    delivery.provider,
                    delivery.payment_id,
                    delivery.state.value,
                    millis(delivery.due_at),
                    millis(delivery.created_at),
                    encode_delivery(delivery),
                ),
            )
        )
        self._writes.append((_TOUCH, (delivery.tenant, "delivery", delivery.id)))

    async def get_document(self, kind: str, tenant: str, key: str) -> Any | None:
        row = self._store.one(
            "SELECT body FROM documents WHERE kind = ? AND tenant = ? AND key = ?",
            (kind, tenant, key),
        )
        return decode_document(row[0]) if row else None

    def put_document(self, kind: str, tenant: str, key: str, value: Any) -> None:
        self._writes.append(
            (
                "INSERT OR REPLACE INTO documents (kind, tenant, key, body) VALUES (?, ?, ?, ?)",
                (kind, tenant, key, encode_document(value)),
            )
        )

    def delete_document(self, kind: str, tenant: str, key: str) -> None:
        self._writes.append(
            ("DELETE FROM documents WHERE kind = ? AND tenant = ? AND key = ?", (kind, tenant, key))
        )

    def set_clock(self, tenant: str, offset_ms: int) -> None:
        self._writes.append(
            ("INSERT OR REPLACE INTO clocks (tenant, offset_ms) VALUES (?, ?)", (tenant, offset_ms))
        )

    def save_exchange(self, exchange: Exchange) -> None:
        self._writes.append(
            (
                "INSERT INTO exchanges (tenant, payment_id, body) VALUES (?, ?, ?)",
                (exchange.tenant, exchange.payment_id, encode_exchange(exchange)),
            )
        )

    def forget_tenant(self, tenant: str) -> None:
        self._writes.extend(_forget(tenant))

    async def commit(self) -> None:
        writes, self._writes = self._writes, []
        if writes:
            await self._store.write(writes)


class SqliteStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = path_of(url)
        self._db: sqlite3.Connection | None = None
        self._queue: list[tuple[list[_Write], asyncio.Future[None]]] = []
        self._flush_scheduled = False
        #: Transactions committed and units of work they carried (for benchmarks and tests).
        self.stats = {"transactions": 0, "units": 0}

    async def open(self) -> None:
        if self.path.parent != Path():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA busy_timeout = 5000")
        db.executescript(SCHEMA)
        _migrate(db)
        db.executescript(LISTING)
        self._db = db

    async def close(self) -> None:
        if self._queue:
            self._flush()
        if self._db is not None:
            self._db.close()
            self._db = None

    def begin(self) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self)

    # --- reads --------------------------------------------------------------------------

    def one(self, sql: str, params: tuple[Any, ...]) -> Any:
        return self._conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return self._conn.execute(sql, params).fetchall()

    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]:
        sql, params = listing_query(where)
        return [decode_payment(r[0]) for r in self.all(sql, params)]

    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]:
        sql, params = _filtered(
            "SELECT body FROM deliveries",
            tenant=where.tenant,
            provider=where.provider,
            payment_id=where.payment_id,
            state=where.state.value if where.state else None,
        )
        rows = self.all(sql + " ORDER BY created_ms DESC, id DESC LIMIT ?", (*params, where.limit))
        return [decode_delivery(r[0]) for r in rows]

    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]:
        sql, params = _filtered("SELECT body FROM documents", kind=kind, tenant=tenant)
        return [decode_document(r[0]) for r in self.all(sql + " ORDER BY tenant, key", params)]

    async def clocks(self) -> dict[str, int]:
        return dict(self.all("SELECT tenant, offset_ms FROM clocks", ()))

    async def due_payments(self, real_now: datetime, limit: int) -> Sequence[tuple[str, str]]:
        sql = (
            "SELECT tenant, id FROM payments p WHERE due_ms IS NOT NULL AND due_ms <= "
            + _TENANT_NOW.format(t="p")
            + " ORDER BY due_ms LIMIT ?"
        )
        return [(t, i) for t, i in self.all(sql, (millis(real_now), limit))]

    async def due_deliveries(self, real_now: datetime, limit: int) -> Sequence[Delivery]:
        sql = (
            "SELECT body FROM deliveries d WHERE state = 'pending' AND due_ms <= "
            + _TENANT_NOW.format(t="d")
            + " ORDER BY due_ms, created_ms, id LIMIT ?"
        )
        return [decode_delivery(r[0]) for r in self.all(sql, (millis(real_now), limit))]

    async def reset(self, tenant: str | None = None) -> None:
        await self.write(_forget(tenant))

    async def list_exchanges(self, payment_id: str) -> Sequence[Exchange]:
        rows = self.all(
            "SELECT body FROM exchanges WHERE payment_id = ? ORDER BY seq", (payment_id,)
        )
        return [decode_exchange(r[0]) for r in rows]

    async def tenants(self) -> Sequence[TenantSummary]:
        counted = {
            tenant: (count, newest)
            for tenant, count, newest in self.all(
                "SELECT tenant, payments, newest_ms FROM tenant_payments", ()
            )
        }
        others = self.all(
            "SELECT tenant FROM clocks UNION SELECT DISTINCT tenant FROM documents", ()
        )
        named = set(counted) | {row[0] for row in others}
        return [
            TenantSummary(
                tenant,
                counted.get(tenant, (0, None))[0],
                _moment(counted.get(tenant, (0, None))[1]),
            )
            for tenant in sorted(named - {""})
        ]

    async def list_aliases(self, tenant: str) -> Sequence[tuple[str, str, str]]:
        rows = self.all(
            "SELECT provider, alias, payment_id FROM aliases WHERE tenant = ? "
            "ORDER BY provider, alias",
            (tenant,),
        )
        return [(provider, alias, payment_id) for provider, alias, payment_id in rows]

    async def documents_of(self, tenant: str) -> Sequence[tuple[str, str, Any]]:
        rows = self.all(
            "SELECT kind, key, body FROM documents WHERE tenant = ? ORDER BY kind, key", (tenant,)
        )
        return [(kind, key, decode_document(body)) for kind, key, body in rows]

    async def changes(
        self, after: int, tenant: str | None = None, limit: int = 500
    ) -> Sequence[Change]:
        sql = "SELECT seq, tenant, kind, ref FROM changes WHERE seq > ?"
        params: tuple[Any, ...] = (after,)
        if tenant is not None:
            sql, params = sql + " AND tenant IN (?, '*')", (after, tenant)
        rows = self.all(sql + " ORDER BY seq LIMIT ?", (*params, limit))
        return [Change(seq, owner, kind, ref) for seq, owner, kind, ref in rows]

    async def last_change(self) -> int:
        row = self.one("SELECT seq FROM sqlite_sequence WHERE name = 'changes'", ())
        return int(row[0]) if row else 0

    # --- group commit -------------------------------------------------------------------

    def write(self, writes: list[_Write]) -> asyncio.Future[None]:
        """Queue one unit of work for the next group commit; the future ends when committed."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((writes, done))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return done

    def _flush(self) -> None:
        self._flush_scheduled = False
        batch, self._queue = self._queue, []
        if not batch:
            return
        db = self._conn
        results: list[BaseException | None] = []
        try:
            db.execute("BEGIN IMMEDIATE")
            for writes, _done in batch:
                results.append(_apply_unit(db, writes))
            db.execute("COMMIT")
            self.stats["transactions"] += 1
            self.stats["units"] += len(batch)
        except sqlite3.Error as error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            results = [StoreError(f"commit failed: {error}")] * len(batch)
        for (_writes, done), result in zip(batch, results, strict=True):
            if done.done():
                continue
            if result is None:
                done.set_result(None)
            else:
                done.set_exception(result)

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError("the store is not open")
        return self._db


def _apply_unit(db: sqlite3.Connection, writes: list[_Write]) -> BaseException | None:
    db.execute("SAVEPOINT unit")
    try:
        for sql, params in writes:
            db.execute(sql, params)
    except sqlite3.IntegrityError as error:
        db.execute("ROLLBACK TO unit")
        db.execute("RELEASE unit")
        return Conflict(str(error))
    db.execute("RELEASE unit")
    return None


def _migrate(db: sqlite3.Connection) -> None:
    columns = {row[1] for row in db.execute("PRAGMA table_info(payments)")}
    missing = [alter for column, alter in _MIGRATIONS if column not in columns]
    if missing:
        with db:
            for alter in missing:
                db.execute(alter)
            db.execute(_BACKFILL)
    counted = db.execute("SELECT 1 FROM tenant_payments LIMIT 1").fetchone()
    if counted is None and db.execute("SELECT 1 FROM payments LIMIT 1").fetchone():
        with db:
            db.execute(
                "INSERT INTO tenant_payments SELECT tenant, COUNT(*), MAX(created_ms) "
                "FROM payments GROUP BY tenant"
            )


def _forget(tenant: str | None) -> list[_Write]:
    """Writes that forget one tenant (or everything) and record it in the change feed."""
    if tenant is None:
        writes: list[_Write] = [(f"DELETE FROM {table}", ()) for table in _FORGET]
    else:
        writes = [(f"DELETE FROM {table} WHERE tenant = ?", (tenant,)) for table in _FORGET]
    writes.append((_TOUCH, (tenant or "*", "tenant", tenant or "*")))
    return writes


def listing_query(where: PaymentFilter) -> tuple[str, tuple[Any, ...]]:
    """Newest first; equality filters first, so the index they lead is the one used."""
    terms: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("tenant", where.tenant),
        ("status", where.status),
        ("provider", where.provider),
        ("reference", where.reference),
    ):
        if value is not None:
            terms.append(f"{column} = ?")
            params.append(value)
    bounds: tuple[tuple[str, int | None], ...] = (
        ("amount >= ?", where.min_amount),
        ("amount <= ?", where.max_amount),
        ("created_ms >= ?", millis(where.created_from) if where.created_from else None),
        ("created_ms < ?", millis(where.created_until) if where.created_until else None),
    )
    for term, bound in bounds:
        if bound is not None:
            terms.append(term)
            params.append(bound)
    if where.before is not None:
        terms.append("(created_ms, id) < (?, ?)")
        params.extend((millis(where.before[0]), where.before[1]))
    sql = "SELECT body FROM payments"
    if terms:
        sql += " WHERE " + " AND ".join(terms)
    return sql + " ORDER BY created_ms DESC, id DESC LIMIT ?", (*params, where.limit)


def _moment(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def _filtered(select: str, **equal: object) -> tuple[str, tuple[Any, ...]]:
    pairs = [(column, value) for column, value in equal.items() if value is not None]
    if not pairs:
        return select, ()
    where = " AND ".join(f"{column} = ?" for column, _ in pairs)
    return f"{select} WHERE {where}", tuple(value for _, value in pairs)
