"""Durable SQLite store (``sqlite:///path``), the default for ``serve``.

WAL mode; one connection per process, used from the event loop's thread for point reads (a few
microseconds) and writes. Writes are *group-committed*: every unit of work that commits in the
same turn of the event loop joins one ``BEGIN IMMEDIATE`` transaction, each inside its own
SAVEPOINT, so one unit's conflict rolls back only that unit. A commit() returns only once its
transaction is committed, so an HTTP answer always follows durable state. Several processes may
share one file: SQLite's write lock serializes their transactions, and version checks make a
unit that read stale state fail with Conflict. Listings, which may scan, run on worker threads
with connections of their own, so a heavy one never stalls the loop.

``synchronous=NORMAL``: a committed transaction survives the process being killed; the last
ones may be lost on power failure, which a local sandbox accepts for ~10x the throughput.
WAL checkpoints (and their fsyncs) run on a thread of their own (``checkpoints.py``).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from ..engine import Payment
from . import sql
from .base import Claim, Conflict, DeliveryFilter, PaymentFilter, StoreError, StoreUnavailable
from .checkpoints import Checkpointer
from .claims import Key, fair_share
from .codec import (
    decode_claimed,
    decode_delivery,
    decode_document,
    decode_exchange,
    decode_payment,
    delivery_row,
    millis,
    moment,
)
from .records import Change, Delivery, Exchange, TenantSummary
from .sqlunit import SqlUnitOfWork, Write, summaries

T = TypeVar("T")


def path_of(url: str) -> Path:
    """``sqlite:///relative.db`` → ``relative.db``; ``sqlite:////abs/x.db`` → ``/abs/x.db``."""
    if not url.startswith("sqlite:///") or url == "sqlite:///":
        raise ValueError(f"not a sqlite URL with a path: {url!r}")
    return Path(url.removeprefix("sqlite:///"))


class SqliteStore:
    dialect = "sqlite"

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = path_of(url)
        self._db: sqlite3.Connection | None = None
        self._queue: list[tuple[list[Write], asyncio.Future[None]]] = []
        self._flush_scheduled = False
        self._readers = threading.local()
        self._reader_connections: list[sqlite3.Connection] = []
        self._checkpoints: Checkpointer | None = None
        #: Transactions committed and units of work they carried (for benchmarks and tests).
        self.stats = {"transactions": 0, "units": 0}

    async def open(self) -> None:
        """Open the file (created if missing, in a directory that must exist) and migrate its
        schema; StoreUnavailable says why it cannot be."""
        try:
            db = self._connect()
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints.py does them
            except sqlite3.Error:
                db.close()
                raise
        except sqlite3.Error as error:
            raise StoreUnavailable(_why_not(self.path, error)) from error
        self._db = db
        try:
            self._immediate(_migrate)
        except sqlite3.Error as error:
            self._db = None
            db.close()
            raise StoreUnavailable(_why_not(self.path, error)) from error
        self._checkpoints = Checkpointer(self._connect)
        self._checkpoints.start()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 10000")
        return db

    async def close(self) -> None:
        if self._queue:
            self._flush()
        if self._checkpoints is not None:
            self._checkpoints.stop()
            self._checkpoints = None
        if self._db is not None:
            self._db.close()
            self._db = None
        for reader in self._reader_connections:
            reader.close()
        self._reader_connections.clear()
        self._readers = threading.local()

    def begin(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    # --- reads --------------------------------------------------------------------------

    async def fetch_one(self, statement: str, params: tuple[Any, ...]) -> Any:
        return self._conn.execute(statement, params).fetchone()

    def one(self, statement: str, params: tuple[Any, ...]) -> Any:
        return self._conn.execute(statement, params).fetchone()

    def all(self, statement: str, params: tuple[Any, ...]) -> list[Any]:
        return self._conn.execute(statement, params).fetchall()

    async def _off_loop(
        self, statement: str, params: tuple[Any, ...], decode: Callable[[Any], T]
    ) -> list[T]:
        """A read that may scan, and the decoding of its rows, on a worker thread with a
        connection of its own: the event loop goes on serving meanwhile."""

        def read() -> list[T]:
            db: sqlite3.Connection | None = getattr(self._readers, "db", None)
            if db is None:
                db = self._readers.db = self._connect()
                self._reader_connections.append(db)
            return [decode(row) for row in db.execute(statement, params).fetchall()]

        return await asyncio.to_thread(read)

    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]:
        statement, params = sql.payments_listing(where)
        return await self._off_loop(statement, params, lambda r: decode_payment(r[0]))

    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]:
        statement, params = sql.deliveries_listing(where)
        return await self._off_loop(statement, params, lambda r: decode_delivery(r[0], r[1]))

    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]:
        statement = "SELECT body FROM documents WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if tenant is not None:
            statement, params = statement + " AND tenant = ?", (kind, tenant)
        rows = self.all(statement + " ORDER BY tenant, key", params)
        return [decode_document(r[0]) for r in rows]

    async def clocks(self) -> dict[str, int]:
        return dict(self.all("SELECT tenant, offset_ms FROM clocks", ()))

    async def clock_offset(self, tenant: str) -> int:
        row = self.one(sql.CLOCK, (tenant,))
        return int(row[0]) if row else 0

    async def due_payments(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[tuple[str, str]]:
        statement = sql.with_tenant(sql.DUE_PAYMENTS, tenant)
        params = _with_tenant((millis(real_now),), tenant, (limit,))
        return [(t, i) for t, i in self.all(statement, params)]

    async def due_deliveries(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[Delivery]:
        statement = sql.with_tenant(sql.DUE_DELIVERIES, tenant)
        params = _with_tenant((millis(real_now),), tenant, (limit,))
        return [decode_delivery(r[0], r[1]) for r in self.all(statement, params)]

    async def next_delivery_due(self, real_now: datetime) -> datetime | None:
        due = self.one(sql.NEXT_DUE, (millis(real_now),))[0]
        return None if due is None else moment(due)

    # --- atomic operations outside units of work ----------------------------------------

    async def advance_clock(self, tenant: str, delta_ms: int, max_offset_ms: int) -> int | None:
        if delta_ms > max_offset_ms:
            return None

        def advance(db: sqlite3.Connection) -> int | None:
            row = db.execute(sql.ADVANCE_CLOCK, (tenant, delta_ms, max_offset_ms)).fetchone()
            return int(row[0]) if row else None

        return self._immediate(advance)

    async def claim_deliveries(self, claim: Claim) -> Sequence[Delivery]:
        now = millis(claim.real_now)
        until = now + claim.lease_ms

        def take(db: sqlite3.Connection) -> list[Delivery]:
            claimed = []
            for delivery_id in _claimable(db, claim, now):
                row = db.execute(sql.CLAIM_ONE, (claim.owner, until, delivery_id, now)).fetchone()
                if row is not None:
                    claimed.append(decode_claimed(row[0]))
            return claimed

        return self._immediate(take)

    async def settle_delivery(self, delivery: Delivery, owner: str) -> bool:
        row = delivery_row(delivery)
        params = (row[4], row[5], row[7], delivery.id, owner)
        try:  # with the group commit: the outcomes of a burst of sends share one transaction
            await self.write([(sql.SETTLE_DELIVERY, params, True)])
        except Conflict:  # the claim is no longer ours
            return False
        return True

    async def release_claims(self, owner: str) -> int:
        return self._immediate(lambda db: db.execute(sql.RELEASE_CLAIMS, (owner,)).rowcount)

    async def try_lock(self, name: str, owner: str, real_now: datetime, ttl_ms: int) -> bool:
        now = millis(real_now)
        params = (name, owner, now + ttl_ms, now)
        return self._immediate(lambda db: db.execute(sql.TRY_LOCK, params).fetchone() is not None)

    async def unlock(self, name: str, owner: str) -> None:
        self._immediate(lambda db: db.execute(sql.UNLOCK, (name, owner)))

    async def reset(self, tenant: str | None = None) -> None:
        await self.write(sql.forget(tenant, sql.TOUCH[self.dialect]))

    # --- the journal, the change feed, tenants --------------------------------------------

    async def list_exchanges(self, payment_id: str) -> Sequence[Exchange]:
        return [decode_exchange(r[0]) for r in self.all(sql.EXCHANGES, (payment_id,))]

    async def tenants(self) -> Sequence[TenantSummary]:
        counted = {t: (n, newest) for t, n, newest in self.all(sql.TENANT_COUNTS, ())}
        others = {row[0] for row in self.all(sql.OTHER_TENANTS, ())}
        return summaries(counted, others)

    async def list_aliases(self, tenant: str) -> Sequence[tuple[str, str, str]]:
        return [(p, a, i) for p, a, i in self.all(sql.ALIASES_OF, (tenant,))]

    async def documents_of(self, tenant: str) -> Sequence[tuple[str, str, Any]]:
        rows = self.all(sql.DOCUMENTS_OF, (tenant,))
        return [(kind, key, decode_document(body)) for kind, key, body in rows]

    async def changes(
        self, after: int, tenant: str | None = None, limit: int = 500
    ) -> Sequence[Change]:
        statement = sql.CHANGES.format(tenant=" AND tenant IN (?, '*')" if tenant else "")
        params = (after, *((tenant,) if tenant else ()), limit)
        return [Change(seq, t, kind, ref) for seq, t, kind, ref in self.all(statement, params)]

    async def last_change(self) -> int:
        row = self.one(sql.LAST_CHANGE[self.dialect], ())
        return int(row[0]) if row else 0

    def _immediate(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` in a transaction of its own that holds the write lock throughout."""
        db = self._conn
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    # --- group commit -------------------------------------------------------------------

    def write(self, writes: list[Write]) -> asyncio.Future[None]:
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


def _why_not(path: Path, error: sqlite3.Error) -> str:
    """What keeps ``path`` from being the store, in words a person can act on."""
    if path.is_dir():
        return f"{path} is a directory; name a database file inside it"
    if not path.parent.is_dir():
        return f"directory {path.parent} does not exist; create it first"
    if error.sqlite_errorname == "SQLITE_NOTADB":
        return f"{path} is not a SQLite database"
    for target in (path, path.with_name(path.name + "-wal")):
        existed = target.exists()
        try:  # the operating system's own reason (permissions, read-only file system ...)
            with target.open("ab"):
                pass
        except OSError as denied:
            return f"cannot write {target}: {denied.strerror}"
        if not existed:
            target.unlink()
    if error.sqlite_errorname == "SQLITE_READONLY":
        return f"{path} is read-only"
    return f"cannot open {path}: {error}"


def _apply_unit(db: sqlite3.Connection, writes: list[Write]) -> BaseException | None:
    """One unit's writes in the group's transaction, all or none: inside a savepoint, unless
    the unit is one statement (atomic by itself: a broken rule aborts only that statement,
    and a checked write that missed changed nothing) — a webhook's settle is one."""
    saved = len(writes) > 1
    if saved:
        db.execute("SAVEPOINT unit")
    try:
        for statement, params, must_change in writes:
            if db.execute(statement, params).rowcount != 1 and must_change:
                raise Conflict("the row changed since it was read")
    except (sqlite3.IntegrityError, Conflict) as error:
        if saved:
            db.execute("ROLLBACK TO unit")
            db.execute("RELEASE unit")
        return error if isinstance(error, Conflict) else Conflict(str(error))
    if saved:
        db.execute("RELEASE unit")
    return None


def _migrate(db: sqlite3.Connection) -> None:
    applied = db.execute("PRAGMA user_version").fetchone()[0]
    for version, step in enumerate(sql.MIGRATIONS, start=1):
        if version > applied:
            for statement in _statements(sql.migration(step, "sqlite", "BLOB")):
                added = _ADD_COLUMN.match(statement)
                if added and _has_column(db, added["table"], added["column"]):
                    continue  # a file written by an older sandbox that had it already
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")


_ADD_COLUMN = re.compile(r"\s*ALTER TABLE (?P<table>\w+) ADD COLUMN (?P<column>\w+)")


def _statements(script: str) -> list[str]:
    """A script's statements (a trigger's body holds semicolons of its own)."""
    found, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            found.append(buffer.strip())
            buffer = ""
    return [statement for statement in found if statement.strip(" ;\n")]


def _has_column(db: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in db.execute(f"PRAGMA table_info({table})"))


def _claimable(db: sqlite3.Connection, claim: Claim, now: int) -> list[str]:
    """The deliveries ``claim`` takes, read tenant by tenant through the indexes (a few rows
    each) rather than ranking every open delivery."""
    live = dict(db.execute(sql.LIVE_CLAIMS, (now,)).fetchall())
    tenants = [claim.tenant] if claim.tenant else [r[0] for r in db.execute(sql.OPEN_TENANTS)]
    ready: list[list[Key]] = []
    for tenant in tenants:
        room = claim.per_tenant - live.get(tenant, 0)
        if room <= 0:
            continue
        due = db.execute(sql.TENANT_DUE, (tenant, now, tenant, room)).fetchall()
        expired = db.execute(sql.TENANT_EXPIRED, (tenant, now, room)).fetchall()
        ready.append(sorted(due + expired)[:room] if expired else due)
    return fair_share(ready, claim.limit)


def _with_tenant(
    before: tuple[Any, ...], tenant: str | None, after: tuple[Any, ...]
) -> tuple[Any, ...]:
    return (*before, *((tenant,) if tenant is not None else ()), *after)


__all__ = ["SqliteStore", "path_of"]
