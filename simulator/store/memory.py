"""In-memory store (``memory://``): the reference backend, fast and forgetful.

Records are kept encoded, as the SQLite store keeps them, and packed (``packing.py``): a reader
always gets its own copy, and a store of a million payments is a million short byte strings
plus small tuples for the filters and the due-work indexes — nothing the garbage collector has
to walk (``_Rows``). One process only: a commit checks and applies without awaiting, so it is
atomic on the event loop.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, KeysView, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from ..engine import Payment
from .base import Claim, Conflict, DeliveryFilter, PaymentFilter
from .claims import ClaimIndex
from .codec import (
    decode_claimed,
    decode_delivery,
    decode_document,
    decode_exchange,
    decode_payment,
    encode_delivery,
    encode_document,
    encode_exchange,
    encode_payment,
    millis,
    moment,
)
from .packing import DELIVERIES, EXCHANGES, PAYMENTS
from .records import Change, ChangeKind, Delivery, DeliveryState, Exchange, TenantSummary
from .versions import ABSENT, UNREAD, ReadVersions

_Key = tuple[str, str, str]
_OPEN = (DeliveryState.PENDING, DeliveryState.IN_FLIGHT)


class _PaymentRow(NamedTuple):
    body: bytes
    tenant: str
    provider: str
    reference: str
    created_at: datetime
    due_at: datetime | None
    status: str
    amount: int
    version: int


class _DeliveryRow(NamedTuple):
    body: bytes
    tenant: str
    provider: str
    payment_id: str | None
    state: str  # a DeliveryState's value: the enum's members are objects the collector tracks
    created_at: datetime
    due_at: datetime
    claim_owner: str | None = None
    claim_until_ms: int = 0


_Row = TypeVar("_Row", bound=tuple[Any, ...])


class _Rows(Generic[_Row]):
    """A table's rows by id, each kept as a plain tuple and read back as a ``_Row``.

    The garbage collector stops tracking a plain tuple of strings, numbers, bytes, datetimes and
    None the first time it meets one, but never a NamedTuple's instance (nor a tuple holding an
    enum member): kept as NamedTuples, 100 000 stored payments were 100 000 more objects for
    each collection of their generation to walk, and under load its pauses reached 55-103 ms
    (cli/serve.py). The exchanges and the change feed are plain tuples for the same reason."""

    __slots__ = ("_kept", "_make")

    def __init__(self, make: Callable[[Iterable[Any]], _Row]) -> None:
        self._make = make  # the row type's ``_make``
        self._kept: dict[str, tuple[Any, ...]] = {}

    def get(self, key: str) -> _Row | None:
        kept = self._kept.get(key)
        return None if kept is None else self._make(kept)

    def __getitem__(self, key: str) -> _Row:
        return self._make(self._kept[key])

    def __setitem__(self, key: str, row: _Row) -> None:
        self._kept[key] = tuple(row)

    def __contains__(self, key: str) -> bool:
        return key in self._kept

    def pop(self, key: str) -> _Row | None:
        kept = self._kept.pop(key, None)
        return None if kept is None else self._make(kept)

    def keys(self) -> KeysView[str]:
        return self._kept.keys()

    def items(self) -> Iterator[tuple[str, _Row]]:
        make = self._make
        return ((key, make(kept)) for key, kept in self._kept.items())

    def values(self) -> Iterator[_Row]:
        return map(self._make, self._kept.values())

    def clear(self) -> None:
        self._kept.clear()


@dataclass
class _Owned:
    """What one tenant holds, so that resetting or listing a tenant reads its own records only,
    however many other tenants keep."""

    payments: set[str] = field(default_factory=set)
    #: Its payments by (created_at, id), for listing newest first page by page.
    listing: list[tuple[datetime, str]] = field(default_factory=list)
    aliases: set[_Key] = field(default_factory=set)
    deliveries: set[str] = field(default_factory=set)
    documents: set[_Key] = field(default_factory=set)
    exchanges: set[str] = field(default_factory=set)
    #: Its payments with a due time, by (due_at, id): the scheduler reads the due ones only.
    due: list[tuple[datetime, str]] = field(default_factory=list)


@dataclass
class _Tables:
    payments: _Rows[_PaymentRow] = field(default_factory=lambda: _Rows(_PaymentRow._make))
    references: dict[_Key, str] = field(default_factory=dict)
    aliases: dict[_Key, str] = field(default_factory=dict)
    deliveries: _Rows[_DeliveryRow] = field(default_factory=lambda: _Rows(_DeliveryRow._make))
    documents: dict[_Key, tuple[bytes, int]] = field(default_factory=dict)
    clocks: dict[str, int] = field(default_factory=dict)
    locks: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: Indexes of the due-work queries, so they never scan the whole store: the pending and
    #: in-flight deliveries, and their claims (the due payments: each tenant's ``_Owned.due``).
    open: _Rows[_DeliveryRow] = field(default_factory=lambda: _Rows(_DeliveryRow._make))
    claims: ClaimIndex = field(default_factory=ClaimIndex)  # the open ones, as claims take them
    #: Payments by (created_at, id), for listing newest first page by page.
    listing: list[tuple[datetime, str]] = field(default_factory=list)
    #: Each tenant's records.
    owned: dict[str, _Owned] = field(default_factory=dict)
    #: Requests that acted on each payment: payment id -> (tenant, encoded exchanges); plain
    #: tuples, as ``_Rows`` keeps them.
    exchanges: dict[str, tuple[str, tuple[bytes, ...]]] = field(default_factory=dict)
    #: The change feed: seq -> (tenant, kind, id), oldest first; and each record's current seq.
    changes: dict[int, tuple[str, ChangeKind, str]] = field(default_factory=dict)
    latest: dict[tuple[str, str], int] = field(default_factory=dict)
    seq: int = 0

    def put_payment(self, payment: Payment) -> None:
        old = self.payments.get(payment.id)
        row = _PaymentRow(
            PAYMENTS.pack(encode_payment(payment)),
            payment.tenant,
            payment.provider,
            payment.reference,
            payment.created_at,
            payment.due_at,
            payment.status.value,
            payment.amount,
            old.version + 1 if old else 1,
        )
        if old is None:
            entry = (payment.created_at, payment.id)
            bisect.insort(self.listing, entry)
            owned = self.of(payment.tenant)
            owned.payments.add(payment.id)
            bisect.insort(owned.listing, entry)
        self.payments[payment.id] = row
        if old is not None and old.due_at != payment.due_at and old.due_at is not None:
            due = self.of(payment.tenant).due
            del due[bisect.bisect_left(due, (old.due_at, payment.id))]
        if payment.due_at is not None and (old is None or old.due_at != payment.due_at):
            bisect.insort(self.of(payment.tenant).due, (payment.due_at, payment.id))
        self.touch(payment.tenant, "payment", payment.id)

    def put_exchange(self, exchange: Exchange) -> None:
        tenant, kept = self.exchanges.get(exchange.payment_id, (exchange.tenant, ()))
        if not kept:
            self.of(tenant).exchanges.add(exchange.payment_id)
        packed = EXCHANGES.pack(encode_exchange(exchange))
        self.exchanges[exchange.payment_id] = (tenant, (*kept, packed))

    def put_alias(self, key: _Key, payment_id: str) -> None:
        self.aliases[key] = payment_id
        self.of(key[0]).aliases.add(key)

    def of(self, tenant: str) -> _Owned:
        owned = self.owned.get(tenant)
        if owned is None:
            owned = self.owned[tenant] = _Owned()
        return owned

    def touch(self, tenant: str, kind: ChangeKind, record_id: str) -> None:
        self.seq += 1
        previous = self.latest.pop((kind, record_id), None)
        if previous is not None:
            del self.changes[previous]
        self.changes[self.seq] = (tenant, kind, record_id)
        self.latest[(kind, record_id)] = self.seq

    def forget(self, tenant: str | None) -> None:
        """Drop one tenant's records (or every record) in place, so units of work already
        holding the tables see it; then record the reset in the change feed. A tenant's reset
        touches its own records only: other tenants' are neither read nor slowed."""
        if tenant is None:
            self._forget_all()
        else:
            self._forget(tenant, self.owned.pop(tenant, _Owned()))
        self.touch(tenant or "*", "tenant", tenant or "*")

    def _forget_all(self) -> None:
        for table in (
            self.payments, self.references, self.aliases, self.deliveries, self.documents,
            self.clocks, self.open, self.exchanges, self.changes, self.latest,
            self.owned,
        ):  # fmt: skip
            table.clear()
        self.listing.clear()
        self.claims = ClaimIndex()

    def _forget(self, tenant: str, owned: _Owned) -> None:
        for payment_id in owned.payments:
            row = self.payments.pop(payment_id)
            if row is None:
                continue
            self.references.pop((tenant, row.provider, row.reference), None)
            self._unchange("payment", payment_id)
        for key in owned.aliases:
            self.aliases.pop(key, None)
        self.claims.forget(owned.deliveries & self.open.keys())
        for delivery_id in owned.deliveries:
            self.deliveries.pop(delivery_id)
            self.open.pop(delivery_id)
            self._unchange("delivery", delivery_id)
        for key in owned.documents:
            self.documents.pop(key, None)
        for payment_id in owned.exchanges:
            self.exchanges.pop(payment_id, None)
        self.clocks.pop(tenant, None)
        self._unchange("tenant", tenant)
        # Deleting one entry moves the rest of the list; past a few, one pass costs less.
        if len(owned.listing) * 256 < len(self.listing):
            for entry in owned.listing:
                del self.listing[bisect.bisect_left(self.listing, entry)]
        else:
            self.listing[:] = [entry for entry in self.listing if entry[1] in self.payments]

    def _unchange(self, kind: ChangeKind, record_id: str) -> None:
        seq = self.latest.pop((kind, record_id), None)
        if seq is not None:
            del self.changes[seq]

    def put_delivery(self, delivery: Delivery) -> None:
        self._keep_delivery(
            delivery.id,
            _DeliveryRow(
                DELIVERIES.pack(encode_delivery(delivery)),
                delivery.tenant,
                delivery.provider,
                delivery.payment_id,
                delivery.state.value,
                delivery.created_at,
                delivery.due_at,
            ),
        )

    def claim_delivery(self, delivery_id: str, owner: str, until_ms: int) -> None:
        """Mark a stored delivery in flight for ``owner``: only its row changes (its body
        keeps the state it was saved with; the row's state wins when it is read)."""
        row = self.deliveries[delivery_id]
        self._keep_delivery(
            delivery_id,
            row._replace(
                state=DeliveryState.IN_FLIGHT.value, claim_owner=owner, claim_until_ms=until_ms
            ),
        )

    def _keep_delivery(self, delivery_id: str, row: _DeliveryRow) -> None:
        if delivery_id not in self.deliveries:
            self.of(row.tenant).deliveries.add(delivery_id)
        self.deliveries[delivery_id] = row
        if row.state in _OPEN:
            self.open[delivery_id] = row
        else:
            self.open.pop(delivery_id)
        key = (millis(row.due_at), millis(row.created_at), delivery_id)
        self.claims.put(row.tenant, delivery_id, DeliveryState(row.state), key, row.claim_until_ms)
        self.touch(row.tenant, "delivery", delivery_id)

    def put_document(self, key: _Key, data: bytes) -> None:
        old = self.documents.get(key)
        if old is None:
            self.of(key[1]).documents.add(key)
        self.documents[key] = (data, old[1] + 1 if old else 1)

    def tenant_now_ms(self, tenant: str, real_now_ms: int) -> int:
        return real_now_ms + self.clocks.get(tenant, 0)


#: Sorts after any id: ``(at, _LAST)`` follows every entry due at ``at``.
_LAST = "\U0010ffff"
#: The index of a tenant that holds nothing.
_NOBODY = _Owned()


class MemoryUnitOfWork:
    """Reads at once; writes staged until ``commit`` (``async with store.begin() as uow``)."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables
        self._payments: list[tuple[Payment, tuple[str, ...], int | None]] = []
        self._staged: list[Callable[[], None]] = []
        #: (key, version the commit expects: None for "absent") of documents read then written.
        self._expected: list[tuple[_Key, int | None]] = []
        self._forgotten: list[str] = []
        self._read = ReadVersions()

    async def __aenter__(self) -> MemoryUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def get_payment(self, payment_id: str) -> Payment | None:
        row = self._t.payments.get(payment_id)
        if row is None:
            return None
        self._read.payment_read(payment_id, row.version)
        return _payment(row)

    async def find_payment(self, tenant: str, provider: str, reference: str) -> Payment | None:
        key = (tenant, provider, reference)
        payment_id = self._t.references.get(key)
        if payment_id is None:
            self._read.reference_free(key)
            return None
        return await self.get_payment(payment_id)

    async def resolve_alias(self, tenant: str, provider: str, alias: str) -> str | None:
        return self._t.aliases.get((tenant, provider, alias))

    def save_payment(self, payment: Payment, aliases: Iterable[str] = ()) -> None:
        key = (payment.tenant, payment.provider, payment.reference)
        version = self._read.payment(payment.id, key)
        self._payments.append((payment, tuple(aliases), None if version is UNREAD else version))
        self._read.payment_written(payment.id, key)

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = self._t.deliveries.get(delivery_id)
        return _delivery(row, row.state) if row else None

    def save_delivery(self, delivery: Delivery) -> None:
        self._staged.append(lambda: self._t.put_delivery(delivery))

    async def get_document(self, kind: str, tenant: str, key: str) -> Any | None:
        found = self._t.documents.get((kind, tenant, key))
        self._read.document_read((kind, tenant, key), found[1] if found else None)
        return None if found is None else decode_document(found[0])

    def put_document(self, kind: str, tenant: str, key: str, value: Any) -> None:
        data = encode_document(value)
        self._expect((kind, tenant, key))
        self._staged.append(lambda: self._t.put_document((kind, tenant, key), data))

    def delete_document(self, kind: str, tenant: str, key: str) -> None:
        def delete() -> None:
            self._t.documents.pop((kind, tenant, key), None)

        self._expect((kind, tenant, key), deleted=True)
        self._staged.append(delete)

    def _expect(self, key: _Key, deleted: bool = False) -> None:
        version = self._read.document(key)
        if version is not UNREAD:
            self._expected.append((key, None if version == ABSENT else version))
        self._read.document_written(key, deleted)

    def set_clock(self, tenant: str, offset_ms: int) -> None:
        self._staged.append(lambda: self._t.clocks.__setitem__(tenant, offset_ms))

    def save_exchange(self, exchange: Exchange) -> None:
        self._staged.append(lambda: self._t.put_exchange(exchange))

    def forget_tenant(self, tenant: str) -> None:
        self._forgotten.append(tenant)

    async def commit(self) -> None:
        payments, self._payments = self._payments, []
        staged, self._staged = self._staged, []
        expected, self._expected = self._expected, []
        forgotten, self._forgotten = self._forgotten, []
        t = self._t
        # Check first, so that a conflict leaves nothing half-applied.
        seen: dict[_Key, int | None] = {}
        for key, version in expected:
            current = t.documents.get(key)
            now = seen.get(key, current[1] if current else None)
            if now != version:
                raise Conflict(f"document {key} changed since it was read")
            seen[key] = None if version is None else version + 1
        written: dict[str, int] = {}  # a payment saved twice in the unit: its second version
        for payment, _aliases, version in payments:
            if payment.tenant in forgotten:
                continue  # replaced wholesale (an import)
            owner = t.references.get((payment.tenant, payment.provider, payment.reference))
            if owner is not None and owner != payment.id:
                raise Conflict(f"reference {payment.reference} belongs to payment {owner}")
            stored = t.payments.get(payment.id)
            held = written.get(payment.id, stored.version if stored else ABSENT)
            if version is not None and held != version:
                raise Conflict(f"payment {payment.id} changed since it was read")
            written[payment.id] = held + 1
        for tenant in forgotten:
            t.forget(tenant)
        for payment, aliases, _version in payments:
            t.put_payment(payment)
            t.references[(payment.tenant, payment.provider, payment.reference)] = payment.id
            for alias in aliases:
                t.put_alias((payment.tenant, payment.provider, alias), payment.id)
        for write in staged:
            write()


class MemoryStore:
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._t = _Tables()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def begin(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self._t)

    async def list_payments(self, where: PaymentFilter) -> Sequence[Payment]:
        payments = self._t.payments
        if where.tenant is None:
            listing = self._t.listing
        else:  # a tenant's page never walks past other tenants' payments
            listing = self._t.owned.get(where.tenant, _NOBODY).listing
        end = len(listing) if where.before is None else bisect.bisect_left(listing, where.before)
        found: list[Payment] = []
        for index in range(end - 1, -1, -1):
            row = payments[listing[index][1]]
            if where.admits(
                row.tenant, row.provider, row.reference, row.status, row.amount, row.created_at
            ):
                found.append(_payment(row))
                if len(found) == where.limit:
                    break
        return found

    async def list_deliveries(self, where: DeliveryFilter) -> Sequence[Delivery]:
        deliveries = self._t.deliveries
        rows: Iterable[tuple[str, _DeliveryRow]] = deliveries.items()
        # The claim index has the open ones by tenant, the tenant index all of a tenant's: no
        # need to walk every delivery.
        if where.state is not None and where.state in _OPEN:
            ids: Iterable[str] = self._t.claims.ids(where.state, where.tenant)
            rows = [(delivery_id, deliveries[delivery_id]) for delivery_id in ids]
        elif where.tenant is not None:
            ids = self._t.owned.get(where.tenant, _NOBODY).deliveries
            rows = [(delivery_id, deliveries[delivery_id]) for delivery_id in ids]
        found = [
            (row.created_at, delivery_id, row)
            for delivery_id, row in rows
            if (where.tenant is None or row.tenant == where.tenant)
            and (where.provider is None or row.provider == where.provider)
            and (where.payment_id is None or row.payment_id == where.payment_id)
            and (where.state is None or row.state == where.state)
            and (where.before is None or (row.created_at, delivery_id) < where.before)
        ]
        found.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [_delivery(row, row.state) for _at, _id, row in found[: where.limit]]

    async def list_documents(self, kind: str, tenant: str | None = None) -> Sequence[Any]:
        return [
            decode_document(data)
            for (k, _tenant, _key), (data, _version) in self._documents(tenant)
            if k == kind
        ]

    def _documents(self, tenant: str | None) -> list[tuple[_Key, tuple[bytes, int]]]:
        """Every document (or one tenant's), by key."""
        documents = self._t.documents
        if tenant is None:
            return sorted(documents.items())
        keys = self._t.owned.get(tenant, _NOBODY).documents
        return sorted((key, documents[key]) for key in keys if key in documents)

    async def clocks(self) -> dict[str, int]:
        return dict(self._t.clocks)

    async def clock_offset(self, tenant: str) -> int:
        return self._t.clocks.get(tenant, 0)

    async def advance_clock(self, tenant: str, delta_ms: int, max_offset_ms: int) -> int | None:
        offset = self._t.clocks.get(tenant, 0) + delta_ms
        if offset > max_offset_ms:
            return None
        self._t.clocks[tenant] = offset
        return offset

    async def due_payments(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[tuple[str, str]]:
        # Each tenant's payments are kept by due time: only those due now are read.
        owned = self._t.owned
        owners = owned.items() if tenant is None else [(tenant, owned.get(tenant, _NOBODY))]
        due: list[tuple[datetime, str, str]] = []
        for owner, records in owners:
            now = self._tenant_now(owner, real_now)
            ready = min(limit, bisect.bisect_right(records.due, (now, _LAST)))
            due.extend((at, payment_id, owner) for at, payment_id in records.due[:ready])
        return [(owner, payment_id) for _at, payment_id, owner in sorted(due)[:limit]]

    async def due_deliveries(
        self, real_now: datetime, limit: int, tenant: str | None = None
    ) -> Sequence[Delivery]:
        due = [
            (row.due_at, row.created_at, delivery_id, row)
            for delivery_id, row in self._t.open.items()
            if row.state == DeliveryState.PENDING
            and tenant in (None, row.tenant)
            and row.due_at <= self._tenant_now(row.tenant, real_now)
        ]
        due.sort(key=lambda item: item[:3])
        return [_delivery(row) for *_order, row in due[:limit]]

    async def next_delivery_due(self, real_now: datetime) -> datetime | None:
        clocks = self._t.clocks
        due = self._t.claims.next_due(millis(real_now), lambda tenant: clocks.get(tenant, 0))
        return None if due is None else moment(due)

    async def claim_deliveries(self, claim: Claim) -> Sequence[Delivery]:
        now = millis(claim.real_now)
        chosen = self._t.claims.claimable(
            now,
            lambda tenant: self._t.tenant_now_ms(tenant, now),
            claim.per_tenant,
            claim.limit,
            claim.tenant,
        )
        claimed = []
        for delivery_id in chosen:
            row = self._t.deliveries[delivery_id]
            claimed.append(decode_claimed(DELIVERIES.unpack(row.body)))
            self._t.claim_delivery(delivery_id, claim.owner, now + claim.lease_ms)
        return claimed

    async def settle_delivery(self, delivery: Delivery, owner: str) -> bool:
        row = self._t.deliveries.get(delivery.id)
        if row is None or row.claim_owner != owner or row.state != DeliveryState.IN_FLIGHT:
            return False
        self._t.put_delivery(delivery)
        return True

    async def release_claims(self, owner: str) -> int:
        held = [
            replace(_delivery(row), state=DeliveryState.PENDING)
            for row in self._t.open.values()
            if row.claim_owner == owner and row.state == DeliveryState.IN_FLIGHT
        ]
        for delivery in held:
            self._t.put_delivery(delivery)
        return len(held)

    async def try_lock(self, name: str, owner: str, real_now: datetime, ttl_ms: int) -> bool:
        now = millis(real_now)
        held = self._t.locks.get(name)
        if held is not None and held[0] != owner and held[1] >= now:
            return False
        self._t.locks[name] = (owner, now + ttl_ms)
        return True

    async def unlock(self, name: str, owner: str) -> None:
        if self._t.locks.get(name, ("", 0))[0] == owner:
            del self._t.locks[name]

    async def reset(self, tenant: str | None = None) -> None:
        self._t.forget(tenant)

    async def list_exchanges(self, payment_id: str) -> Sequence[Exchange]:
        _tenant, kept = self._t.exchanges.get(payment_id, ("", ()))
        return [decode_exchange(EXCHANGES.unpack(data)) for data in kept]

    async def tenants(self) -> Sequence[TenantSummary]:
        counts = {
            tenant: (len(owned.payments), owned.listing[-1][0])
            for tenant, owned in self._t.owned.items()
            if owned.payments
        }
        named = set(counts) | set(self._t.clocks) | {k[1] for k in self._t.documents}
        return [
            TenantSummary(tenant, *counts.get(tenant, (0, None))) for tenant in sorted(named - {""})
        ]

    async def list_aliases(self, tenant: str) -> Sequence[tuple[str, str, str]]:
        aliases = self._t.aliases
        return sorted(
            (provider, alias, aliases[(owner, provider, alias)])
            for owner, provider, alias in self._t.owned.get(tenant, _NOBODY).aliases
            if (owner, provider, alias) in aliases
        )

    async def documents_of(self, tenant: str) -> Sequence[tuple[str, str, Any]]:
        return [
            (kind, key, decode_document(data))
            for (kind, _owner, key), (data, _version) in self._documents(tenant)
        ]

    async def changes(
        self, after: int, tenant: str | None = None, limit: int = 500
    ) -> Sequence[Change]:
        newer: list[Change] = []
        for seq in reversed(self._t.changes):
            if seq <= after:
                break
            owner, kind, record_id = self._t.changes[seq]
            if tenant is None or owner in (tenant, "*"):
                newer.append(Change(seq, owner, kind, record_id))
        return newer[::-1][:limit]

    async def last_change(self) -> int:
        return self._t.seq

    def _tenant_now(self, tenant: str, real_now: datetime) -> datetime:
        return real_now + timedelta(milliseconds=self._t.clocks.get(tenant, 0))


def _payment(row: _PaymentRow) -> Payment:
    return decode_payment(PAYMENTS.unpack(row.body))


def _delivery(row: _DeliveryRow, state: str | None = None) -> Delivery:
    """The stored delivery (``state``: its row's, which wins over the body's)."""
    return decode_delivery(DELIVERIES.unpack(row.body), state)
