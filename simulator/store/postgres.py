"""PostgreSQL store (``postgresql://user:pass@host:5432/db``): one state for several processes.

asyncpg with a connection pool. Point reads run on any pooled connection; a unit of work's
writes run in one transaction at commit, where a row the unit read is updated only at the
version it read (otherwise Conflict, and the caller runs the unit again). Claims of due
deliveries run one at a time across every process (a transaction-scoped advisory lock), so the
per-tenant caps hold exactly; a claimed row carries its owner and a lease. The schema is
created or migrated on open, under an advisory lock, so processes starting together agree.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ..engine import Payment
from . import sql
from .base import Claim, Conflict, DeliveryFilter, PaymentFilter, StoreError
from .codec import (
    decode_claimed,
    decode_delivery,
    decode_document,
    decode_exchange,
    decode_payment,
    delivery_row,
    masked,
    millis,
    moment,
)
from .records import Change, Delivery, Exchange, TenantSummary
from .sqlunit import SqlUnitOfWork, Write, summaries

#: Advisory lock keys (any fixed numbers; they only have to differ from each other).
_MIGRATION_LOCK = 0x7073_0001
_CLAIM_LOCK = 0x7073_0002
#: What a lost race looks like in PostgreSQL: the unit of work runs again.
_RACES = (
    asyncpg.UniqueViolationError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


@functools.cache
def _pg(statement: str) -> str:
    return sql.numbered(statement)


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        try:
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=self._pool_size, command_timeout=60
            )
        except (OSError, asyncpg.PostgresError) as error:
            raise StoreError(f"cannot reach PostgreSQL at {masked(self.url)}: {error}") from None
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS psp_sandbox_schema (version INTEGER NOT NULL)"
            )
            applied = await conn.fetchval("SELECT max(version) FROM psp_sandbox_schema") or 0
            for version, step in enumerate(sql.MIGRATIONS, start=1):
                if version > applied:
                    await conn.execute(sql.migration(step, self.dialect, "BYTEA"))
                    await conn.execute("INSERT INTO psp_sandbox_schema VALUES ($1)", version)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def begin(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the store is not open")
        return self._pool

    # --- reads --------------------------------------------------------------------------

    async def fetch_one(self, statement: str, params: tuple[Any, ...]) -> Any:
        return await self.pool.fetchrow(_pg(statement), *params)

    async def one(self, statement: str, *params: Any) -> Any:
        return await self.pool.fetchrow(_pg(statement), *params)

    async def all(self, statement: str, *params: Any) -> list[Any]:
        return list(await self.pool.fetch(_pg(statement), *params))

    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]:
        statement, params = sql.payments_listing(where)
        rows = await self.all(statement, *params)
        return await asyncio.to_thread(lambda: [decode_payment(r[0]) for r in rows])

    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]:
        statement, params = sql.deliveries_listing(where)
        rows = await self.all(statement, *params)
        return await asyncio.to_thread(lambda: [decode_delivery(r[0], r[1]) for r in rows])

    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]:
        statement = "SELECT body FROM documents WHERE kind = ?"
        params: tuple[Any, ...] = (kind,)
        if tenant is not None:
            statement, params = statement + " AND tenant = ?", (kind, tenant)
        rows = await self.all(statement + " ORDER BY tenant, key", *params)
        return [decode_document(r[0]) for r in rows]

    async def clocks(self) -> dict[str, int]:
        return {r[0]: r[1] for r in await self.all("SELECT tenant, offset_ms FROM clocks")}

    async def clock_offset(self, tenant: str) -> int:
        row = await self.one(sql.CLOCK, tenant)
        return int(row[0]) if row else 0

    async def due_payments(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[tuple[str, str]]:
        statement = sql.with_tenant(sql.DUE_PAYMENTS, tenant)
        rows = await self.all(statement, millis(real_now), *_tenant(tenant), limit)
        return [(r[0], r[1]) for r in rows]

    async def due_deliveries(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[Delivery]:
        statement = sql.with_tenant(sql.DUE_DELIVERIES, tenant)
        rows = await self.all(statement, millis(real_now), *_tenant(tenant), limit)
        return [decode_delivery(r[0], r[1]) for r in rows]

    async def next_delivery_due(self, real_now: datetime) -> datetime | None:
        due = await self.pool.fetchval(_pg(sql.NEXT_DUE), millis(real_now))
        return None if due is None else moment(due)

    # --- atomic operations outside units of work ----------------------------------------

    async def advance_clock(self, tenant: str, delta_ms: int, max_offset_ms: int) -> int | None:
        if delta_ms > max_offset_ms:
            return None
        offset = await self.pool.fetchval(_pg(sql.ADVANCE_CLOCK), tenant, delta_ms, max_offset_ms)
        return None if offset is None else int(offset)

    async def claim_deliveries(self, claim: Claim) -> Sequence[Delivery]:
        now = millis(claim.real_now)
        statement = _pg(sql.with_tenant(sql.CLAIMABLE, claim.tenant, "d.tenant"))
        params = (now, now, now, *_tenant(claim.tenant), claim.per_tenant, claim.limit)
        claimed = []
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _CLAIM_LOCK)
            for (delivery_id,) in await conn.fetch(statement, *params):
                body = await conn.fetchval(
                    _pg(sql.CLAIM_ONE), claim.owner, now + claim.lease_ms, delivery_id, now
                )
                if body is not None:
                    claimed.append(decode_claimed(body))
        return claimed

    async def settle_delivery(self, delivery: Delivery, owner: str) -> bool:
        row = delivery_row(delivery)
        status = await self.pool.execute(
            _pg(sql.SETTLE_DELIVERY), row[4], row[5], row[7], delivery.id, owner
        )
        return _changed(status) == 1

    async def release_claims(self, owner: str) -> int:
        return _changed(await self.pool.execute(_pg(sql.RELEASE_CLAIMS), owner))

    async def try_lock(self, name: str, owner: str, real_now: datetime, ttl_ms: int) -> bool:
        now = millis(real_now)
        held = await self.pool.fetchval(_pg(sql.TRY_LOCK), name, owner, now + ttl_ms, now)
        return held is not None

    async def unlock(self, name: str, owner: str) -> None:
        await self.pool.execute(_pg(sql.UNLOCK), name, owner)

    async def reset(self, tenant: str | None = None) -> None:
        await self.write(sql.forget(tenant, sql.TOUCH[self.dialect]))

    # --- the journal, the change feed, tenants --------------------------------------------

    async def list_exchanges(self, payment_id: str) -> Sequence[Exchange]:
        return [decode_exchange(r[0]) for r in await self.all(sql.EXCHANGES, payment_id)]

    async def tenants(self) -> Sequence[TenantSummary]:
        counted = {r[0]: (r[1], r[2]) for r in await self.all(sql.TENANT_COUNTS)}
        others = {r[0] for r in await self.all(sql.OTHER_TENANTS)}
        return summaries(counted, others)

    async def list_aliases(self, tenant: str) -> Sequence[tuple[str, str, str]]:
        return [(r[0], r[1], r[2]) for r in await self.all(sql.ALIASES_OF, tenant)]

    async def documents_of(self, tenant: str) -> Sequence[tuple[str, str, Any]]:
        rows = await self.all(sql.DOCUMENTS_OF, tenant)
        return [(r[0], r[1], decode_document(r[2])) for r in rows]

    async def changes(
        self, after: int, tenant: str | None = None, limit: int = 500
    ) -> Sequence[Change]:
        statement = sql.CHANGES.format(tenant=" AND tenant IN (?, '*')" if tenant else "")
        rows = await self.all(statement, after, *((tenant,) if tenant else ()), limit)
        return [Change(r[0], r[1], r[2], r[3]) for r in rows]

    async def last_change(self) -> int:
        return int(await self.pool.fetchval(sql.LAST_CHANGE[self.dialect]) or 0)

    async def write(self, writes: list[Write]) -> None:
        """One unit of work's writes in one transaction: all of them, or none."""
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                for statement, params, must_change in writes:
                    status = await conn.execute(_pg(statement), *params)
                    if must_change and _changed(status) != 1:
                        raise Conflict("the row changed since it was read")
        except _RACES as error:
            raise Conflict(str(error)) from None
        except (OSError, asyncpg.PostgresError) as error:
            raise StoreError(f"commit failed: {error}") from None


def _changed(status: str) -> int:
    """Rows a command changed, from its status tag (``UPDATE 1``, ``INSERT 0 1``)."""
    return int(status.rsplit(" ", 1)[-1])


def _tenant(tenant: str | None) -> tuple[str, ...]:
    return (tenant,) if tenant is not None else ()
