"""The unit of work of the SQL stores: reads at once, writes staged as statements, each write
of a row the unit read made conditional on the version it read."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from ..engine import Payment
from . import sql
from .codec import (
    decode_delivery,
    decode_document,
    decode_payment,
    delivery_row,
    encode_document,
    encode_exchange,
    encode_payment,
    millis,
)
from .records import Delivery, Exchange, TenantSummary
from .versions import ABSENT, UNREAD, ReadVersions

#: A staged write: statement (``?`` placeholders), parameters, and whether it must change
#: exactly one row (else the unit of work conflicts).
Write = tuple[str, tuple[Any, ...], bool]


class SqlBackend(Protocol):
    #: ``sqlite`` or ``postgresql``: which of a statement's spellings it takes.
    dialect: str

    async def fetch_one(self, statement: str, params: tuple[Any, ...]) -> Any: ...
    def write(self, writes: list[Write]) -> Awaitable[None]:
        """All of one unit's writes, atomically; Conflict if a checked write missed."""
        ...


class SqlUnitOfWork:
    """``async with store.begin() as uow``: reads at once; writes staged until ``commit``."""

    def __init__(self, store: SqlBackend) -> None:
        self._store = store
        self._writes: list[Write] = []
        self._read = ReadVersions()

    async def __aenter__(self) -> SqlUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def get_payment(self, payment_id: str) -> Payment | None:
        return self._payment(await self._store.fetch_one(sql.PAYMENT_BY_ID, (payment_id,)))

    async def find_payment(self, tenant: str, provider: str, reference: str) -> Payment | None:
        key = (tenant, provider, reference)
        row = await self._store.fetch_one(sql.PAYMENT_BY_REFERENCE, key)
        if row is None:
            self._read.reference_free(key)
        return self._payment(row)

    def _payment(self, row: Any) -> Payment | None:
        if row is None:
            return None
        payment = decode_payment(row[0])
        self._read.payment_read(payment.id, row[1])
        return payment

    async def resolve_alias(self, tenant: str, provider: str, alias: str) -> str | None:
        row = await self._store.fetch_one(sql.ALIAS, (tenant, provider, alias))
        return row[0] if row else None

    def save_payment(self, payment: Payment, aliases: Iterable[str] = ()) -> None:
        due = millis(payment.due_at) if payment.due_at else None
        body = encode_payment(payment)
        key = (payment.tenant, payment.provider, payment.reference)
        version = self._read.payment(payment.id, key)
        status = payment.status.value
        if version is UNREAD or version == ABSENT:
            # New (its reference was free): an existing row of its id or reference conflicts.
            insert = sql.UPSERT_PAYMENT if version is UNREAD else sql.INSERT_PAYMENT
            created = millis(payment.created_at)
            self._stage(insert, (payment.id, *key, created, due, status, payment.amount, body))
        else:
            changed = (due, status, body, payment.id, version)
            self._stage(sql.UPDATE_PAYMENT, changed, must_change=True)
        self._read.payment_written(payment.id, key)
        self._touch(payment.tenant, "payment", payment.id)
        distinct = dict.fromkeys(aliases)  # each names this payment: a repeat changes nothing
        if distinct:
            scope = (payment.tenant, payment.provider)
            rows = tuple(value for alias in distinct for value in (*scope, alias, payment.id))
            self._stage(sql.upsert_aliases(len(distinct)), rows)

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = await self._store.fetch_one(sql.DELIVERY_BY_ID, (delivery_id,))
        return decode_delivery(row[0], row[1]) if row else None

    def save_delivery(self, delivery: Delivery) -> None:
        self._stage(sql.UPSERT_DELIVERY, delivery_row(delivery))
        self._touch(delivery.tenant, "delivery", delivery.id)

    async def get_document(self, kind: str, tenant: str, key: str) -> Any | None:
        row = await self._store.fetch_one(sql.DOCUMENT, (kind, tenant, key))
        self._read.document_read((kind, tenant, key), row[1] if row else None)
        return decode_document(row[0]) if row else None

    def put_document(self, kind: str, tenant: str, key: str, value: Any) -> None:
        body = encode_document(value)
        version = self._read.document((kind, tenant, key))
        if version is UNREAD:
            self._stage(sql.UPSERT_DOCUMENT, (kind, tenant, key, body))
        elif version == ABSENT:
            self._stage(sql.INSERT_DOCUMENT, (kind, tenant, key, body))
        else:
            self._stage(sql.UPDATE_DOCUMENT, (body, kind, tenant, key, version), must_change=True)
        self._read.document_written((kind, tenant, key))

    def delete_document(self, kind: str, tenant: str, key: str) -> None:
        version = self._read.document((kind, tenant, key))
        if version is UNREAD:
            self._stage(sql.DELETE_DOCUMENT, (kind, tenant, key))
        elif version != ABSENT:
            self._stage(sql.DELETE_DOCUMENT_VERSION, (kind, tenant, key, version), must_change=True)
        self._read.document_written((kind, tenant, key), deleted=True)

    def set_clock(self, tenant: str, offset_ms: int) -> None:
        self._stage(sql.SET_CLOCK, (tenant, offset_ms))

    def save_exchange(self, exchange: Exchange) -> None:
        row = (exchange.tenant, exchange.payment_id, encode_exchange(exchange))
        self._stage(sql.INSERT_EXCHANGE, row)

    def forget_tenant(self, tenant: str) -> None:
        self._writes.extend(sql.forget(tenant, sql.TOUCH[self._store.dialect]))

    def _touch(self, tenant: str, kind: str, record_id: str) -> None:
        self._stage(sql.TOUCH[self._store.dialect], (tenant, kind, record_id))

    def _stage(self, statement: str, params: tuple[Any, ...], must_change: bool = False) -> None:
        self._writes.append((statement, params, must_change))

    async def commit(self) -> None:
        writes, self._writes = self._writes, []
        if writes:
            await self._store.write(writes)


def summaries(counted: dict[str, tuple[int, int]], others: set[str]) -> list[TenantSummary]:
    """Every named tenant (but the credentials' ``""``), with its payment count and newest."""
    named = (set(counted) | others) - {""}
    return [
        TenantSummary(
            tenant,
            counted[tenant][0] if tenant in counted else 0,
            datetime.fromtimestamp(counted[tenant][1] / 1000, UTC) if tenant in counted else None,
        )
        for tenant in sorted(named)
    ]
