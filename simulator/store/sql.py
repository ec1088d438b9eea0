"""The SQL the SQLite and PostgreSQL stores share: schema migrations, statements and listings.

Statements are written with ``?`` placeholders (SQLite's); ``numbered`` turns them into
PostgreSQL's ``$1, $2 ...``. ``{blob}`` in the schema is the dialect's byte-string type.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .base import Cursor, DeliveryFilter, PaymentFilter
from .codec import millis

#: Each entry moves the schema one version up; a store applies those it has not applied yet.
#: An entry is one script for both dialects, or one per dialect. ``ADD COLUMN`` of a column a
#: table has already (a file written by an older sandbox that had it) is skipped.
MIGRATIONS: tuple[str | dict[str, str], ...] = (
    # 1: payments, aliases, deliveries, documents, clocks
    """
    CREATE TABLE IF NOT EXISTS payments (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        provider TEXT NOT NULL,
        reference TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        due_ms BIGINT,
        body {blob} NOT NULL,
        UNIQUE (tenant, provider, reference)
    );
    CREATE INDEX IF NOT EXISTS payments_due ON payments (due_ms) WHERE due_ms IS NOT NULL;
    CREATE INDEX IF NOT EXISTS payments_recent ON payments (tenant, created_ms);
    CREATE TABLE IF NOT EXISTS aliases (
        tenant TEXT NOT NULL,
        provider TEXT NOT NULL,
        alias TEXT NOT NULL,
        payment_id TEXT NOT NULL,
        PRIMARY KEY (tenant, provider, alias)
    );
    CREATE TABLE IF NOT EXISTS deliveries (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        provider TEXT NOT NULL,
        payment_id TEXT,
        state TEXT NOT NULL,
        due_ms BIGINT NOT NULL,
        created_ms BIGINT NOT NULL,
        body {blob} NOT NULL
    );
    CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (due_ms) WHERE state = 'pending';
    CREATE INDEX IF NOT EXISTS deliveries_payment ON deliveries (payment_id);
    CREATE TABLE IF NOT EXISTS documents (
        kind TEXT NOT NULL,
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        body {blob} NOT NULL,
        PRIMARY KEY (kind, tenant, key)
    );
    CREATE TABLE IF NOT EXISTS clocks (
        tenant TEXT PRIMARY KEY,
        offset_ms BIGINT NOT NULL
    );
    """,
    # 2: versions for optimistic writes, delivery claims with a lease, locks between
    # processes, and an index for every filter of the admin listings (newest first).
    """
    ALTER TABLE payments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
    ALTER TABLE documents ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
    ALTER TABLE deliveries ADD COLUMN claim_owner TEXT;
    ALTER TABLE deliveries ADD COLUMN claim_until_ms BIGINT;
    CREATE TABLE IF NOT EXISTS locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until_ms BIGINT NOT NULL
    );
    DROP INDEX IF EXISTS payments_recent;
    DROP INDEX IF EXISTS deliveries_due;
    DROP INDEX IF EXISTS deliveries_payment;
    CREATE INDEX IF NOT EXISTS payments_newest ON payments (created_ms, id);
    CREATE INDEX IF NOT EXISTS payments_tenant ON payments (tenant, created_ms, id);
    CREATE INDEX IF NOT EXISTS payments_provider ON payments (provider, created_ms, id);
    CREATE INDEX IF NOT EXISTS payments_reference ON payments (reference);
    CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (tenant, due_ms)
        WHERE state IN ('pending', 'in_flight');
    CREATE INDEX IF NOT EXISTS deliveries_newest ON deliveries (created_ms, id);
    CREATE INDEX IF NOT EXISTS deliveries_tenant ON deliveries (tenant, created_ms, id);
    CREATE INDEX IF NOT EXISTS deliveries_payment ON deliveries (payment_id, created_ms, id);
    """,
    # 3: listing columns (status, amount) filled from the stored bodies, the requests that acted
    # on each payment, the change feed, and a per-tenant count kept by a trigger (so summing up
    # the tenants never scans the payments).
    {
        "sqlite": """
    ALTER TABLE payments ADD COLUMN status TEXT NOT NULL DEFAULT '';
    ALTER TABLE payments ADD COLUMN amount BIGINT NOT NULL DEFAULT 0;
    UPDATE payments SET status = json_extract(CAST(body AS TEXT), '$.status'),
        amount = json_extract(CAST(body AS TEXT), '$.amount') WHERE status = '';
    CREATE TABLE IF NOT EXISTS exchanges (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant TEXT NOT NULL,
        payment_id TEXT NOT NULL,
        body BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        UNIQUE (kind, ref)
    );
    CREATE TABLE IF NOT EXISTS tenant_payments (
        tenant TEXT PRIMARY KEY,
        payments BIGINT NOT NULL,
        newest_ms BIGINT NOT NULL
    );
    CREATE TRIGGER IF NOT EXISTS payments_counted AFTER INSERT ON payments BEGIN
        INSERT INTO tenant_payments (tenant, payments, newest_ms)
        VALUES (NEW.tenant, 1, NEW.created_ms)
        ON CONFLICT (tenant) DO UPDATE
        SET payments = payments + 1, newest_ms = max(newest_ms, excluded.newest_ms);
    END;
    """,
        "postgresql": """
    ALTER TABLE payments ADD COLUMN IF NOT EXISTS status TEXT NOT NULL DEFAULT '';
    ALTER TABLE payments ADD COLUMN IF NOT EXISTS amount BIGINT NOT NULL DEFAULT 0;
    UPDATE payments SET status = convert_from(body, 'UTF8')::jsonb->>'status',
        amount = (convert_from(body, 'UTF8')::jsonb->>'amount')::bigint WHERE status = '';
    CREATE TABLE IF NOT EXISTS exchanges (
        seq BIGSERIAL PRIMARY KEY,
        tenant TEXT NOT NULL,
        payment_id TEXT NOT NULL,
        body BYTEA NOT NULL
    );
    CREATE TABLE IF NOT EXISTS changes (
        seq BIGSERIAL PRIMARY KEY,
        tenant TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        UNIQUE (kind, ref)
    );
    CREATE TABLE IF NOT EXISTS tenant_payments (
        tenant TEXT PRIMARY KEY,
        payments BIGINT NOT NULL,
        newest_ms BIGINT NOT NULL
    );
    CREATE OR REPLACE FUNCTION psp_sandbox_count_payment() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tenant_payments (tenant, payments, newest_ms)
        VALUES (NEW.tenant, 1, NEW.created_ms)
        ON CONFLICT (tenant) DO UPDATE SET payments = tenant_payments.payments + 1,
            newest_ms = GREATEST(tenant_payments.newest_ms, excluded.newest_ms);
        RETURN NEW;
    END $$;
    DROP TRIGGER IF EXISTS payments_counted ON payments;
    CREATE TRIGGER payments_counted AFTER INSERT ON payments
        FOR EACH ROW EXECUTE FUNCTION psp_sandbox_count_payment();
    """,
    },
    """
    INSERT INTO tenant_payments (tenant, payments, newest_ms)
        SELECT tenant, COUNT(*), MAX(created_ms) FROM payments WHERE true GROUP BY tenant
        ON CONFLICT (tenant) DO NOTHING;
    CREATE INDEX IF NOT EXISTS payments_status ON payments (status, created_ms, id);
    CREATE INDEX IF NOT EXISTS documents_tenant ON documents (tenant);
    CREATE INDEX IF NOT EXISTS exchanges_payment ON exchanges (payment_id, seq);
    CREATE INDEX IF NOT EXISTS exchanges_tenant ON exchanges (tenant);
    CREATE INDEX IF NOT EXISTS changes_tenant ON changes (tenant, seq);
    """,
    # 5: a tenant's pending deliveries in due order, and its claimed ones by lease, so a claim
    # reads a few rows per tenant instead of ranking every open delivery; a tenant's payments
    # with a due time, so advancing its clock does not read all its payments
    """
    CREATE INDEX IF NOT EXISTS payments_due_tenant ON payments (tenant, due_ms)
        WHERE due_ms IS NOT NULL;
    CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (tenant, due_ms, created_ms, id)
        WHERE state = 'pending';
    CREATE INDEX IF NOT EXISTS deliveries_claimed ON deliveries (tenant, claim_until_ms)
        WHERE state = 'in_flight';
    """,
)


def migration(step: str | dict[str, str], dialect: str, blob: str) -> str:
    """One migration's script in a dialect (``sqlite`` or ``postgresql``)."""
    script = step if isinstance(step, str) else step[dialect]
    return script.replace("{blob}", blob)


#: What forgetting a tenant deletes (every table with a tenant column).
TABLES = (
    "payments",
    "tenant_payments",
    "aliases",
    "deliveries",
    "documents",
    "clocks",
    "exchanges",
    "changes",
)

# --- payments ------------------------------------------------------------------------------

PAYMENT_BY_ID = "SELECT body, version FROM payments WHERE id = ?"
PAYMENT_BY_REFERENCE = (
    "SELECT body, version FROM payments WHERE tenant = ? AND provider = ? AND reference = ?"
)
ALIAS = "SELECT payment_id FROM aliases WHERE tenant = ? AND provider = ? AND alias = ?"
#: (id, tenant, provider, reference, created_ms, due_ms, status, amount, body): a payment
#: whose reference the unit found free (a row of its id or reference makes the commit conflict).
INSERT_PAYMENT = (
    "INSERT INTO payments (id, tenant, provider, reference, created_ms, due_ms, status, amount, "
    "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
#: (id, tenant, provider, reference, created_ms, due_ms, status, amount, body): a blind write.
UPSERT_PAYMENT = (
    "INSERT INTO payments (id, tenant, provider, reference, created_ms, due_ms, status, amount, "
    "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "due_ms = excluded.due_ms, status = excluded.status, body = excluded.body, "
    "version = payments.version + 1"
)
#: (due_ms, status, body, id, version read)
UPDATE_PAYMENT = (
    "UPDATE payments SET due_ms = ?, status = ?, body = ?, version = version + 1 "
    "WHERE id = ? AND version = ?"
)
UPSERT_ALIAS = (
    "INSERT INTO aliases (tenant, provider, alias, payment_id) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (tenant, provider, alias) DO UPDATE SET payment_id = excluded.payment_id"
)


@functools.cache
def upsert_aliases(count: int) -> str:
    """UPSERT_ALIAS for ``count`` distinct aliases in one statement (a purchase saves two: its
    operation's id and its card token): ``count`` times (tenant, provider, alias, payment_id).
    PostgreSQL refuses one statement that upserts a row twice, hence distinct."""
    values = ", ".join(["(?, ?, ?, ?)"] * count)
    return UPSERT_ALIAS.replace("(?, ?, ?, ?)", values, 1)


# --- documents -----------------------------------------------------------------------------

DOCUMENT = "SELECT body, version FROM documents WHERE kind = ? AND tenant = ? AND key = ?"
#: (kind, tenant, key, body)
UPSERT_DOCUMENT = (
    "INSERT INTO documents (kind, tenant, key, body) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (kind, tenant, key) DO UPDATE SET body = excluded.body, "
    "version = documents.version + 1"
)
INSERT_DOCUMENT = "INSERT INTO documents (kind, tenant, key, body) VALUES (?, ?, ?, ?)"
#: (body, kind, tenant, key, version read)
UPDATE_DOCUMENT = (
    "UPDATE documents SET body = ?, version = version + 1 "
    "WHERE kind = ? AND tenant = ? AND key = ? AND version = ?"
)
DELETE_DOCUMENT = "DELETE FROM documents WHERE kind = ? AND tenant = ? AND key = ?"
DELETE_DOCUMENT_VERSION = DELETE_DOCUMENT + " AND version = ?"

# --- deliveries ----------------------------------------------------------------------------

DELIVERY_BY_ID = "SELECT body, state FROM deliveries WHERE id = ?"
#: (id, tenant, provider, payment_id, state, due_ms, created_ms, body)
UPSERT_DELIVERY = (
    "INSERT INTO deliveries (id, tenant, provider, payment_id, state, due_ms, created_ms, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, "
    "due_ms = excluded.due_ms, body = excluded.body, claim_owner = NULL, claim_until_ms = NULL"
)
#: (state, due_ms, body, id, owner)
SETTLE_DELIVERY = (
    "UPDATE deliveries SET state = ?, due_ms = ?, body = ?, claim_owner = NULL, "
    "claim_until_ms = NULL WHERE id = ? AND claim_owner = ? AND state = 'in_flight'"
)
RELEASE_CLAIMS = (
    "UPDATE deliveries SET state = 'pending', claim_owner = NULL, claim_until_ms = NULL "
    "WHERE claim_owner = ? AND state = 'in_flight'"
)
_TENANT_NOW = "(? + COALESCE((SELECT offset_ms FROM clocks c WHERE c.tenant = {t}.tenant), 0))"
#: (real now, [tenant], limit)
DUE_PAYMENTS = (
    "SELECT tenant, id FROM payments p WHERE due_ms IS NOT NULL AND due_ms <= "
    + _TENANT_NOW.format(t="p")
    + "{tenant} ORDER BY due_ms, id LIMIT ?"
)
DUE_DELIVERIES = (
    "SELECT body, state FROM deliveries d WHERE state = 'pending' AND due_ms <= "
    + _TENANT_NOW.format(t="d")
    + "{tenant} ORDER BY due_ms, created_ms, id LIMIT ?"
)
#: The real ms after real now at which the next pending delivery falls due on its tenant's
#: clock: every tenant with pending deliveries (walking the index from one to the next), its
#: clock's offset, and its first pending delivery due after now on that clock. (real now)
NEXT_DUE = (
    "WITH RECURSIVE t(tenant) AS (SELECT MIN(tenant) FROM deliveries WHERE state = 'pending' "
    "UNION ALL SELECT (SELECT MIN(tenant) FROM deliveries WHERE state = 'pending' "
    "AND tenant > t.tenant) FROM t WHERE t.tenant IS NOT NULL), "
    "o(tenant, offset_ms) AS (SELECT t.tenant, COALESCE((SELECT offset_ms FROM clocks c "
    "WHERE c.tenant = t.tenant), 0) FROM t WHERE t.tenant IS NOT NULL) "
    "SELECT MIN((SELECT MIN(d.due_ms) FROM deliveries d WHERE d.tenant = o.tenant "
    "AND d.state = 'pending' AND d.due_ms > ? + o.offset_ms) - o.offset_ms) FROM o"
)
#: Fair claims: a tenant's due deliveries in due order, ranked, so that every tenant gets its
#: first before anyone gets a second, and no tenant passes its cap of live claims.
#: (real now, real now, real now, [tenant], per tenant, limit)
CLAIMABLE = (
    "WITH live AS (SELECT tenant, COUNT(*) AS n FROM deliveries "
    "WHERE state = 'in_flight' AND claim_until_ms >= ? GROUP BY tenant), "
    "ready AS (SELECT d.id, d.tenant, d.due_ms, ROW_NUMBER() OVER "
    "(PARTITION BY d.tenant ORDER BY d.due_ms, d.created_ms, d.id) AS place FROM deliveries d "
    "WHERE ((d.state = 'pending' AND d.due_ms <= "
    + _TENANT_NOW.format(t="d")
    + ") OR (d.state = 'in_flight' AND d.claim_until_ms < ?)){tenant}) "
    "SELECT r.id FROM ready r LEFT JOIN live l ON l.tenant = r.tenant "
    "WHERE r.place <= ? - COALESCE(l.n, 0) ORDER BY r.place, r.due_ms, r.id LIMIT ?"
)
#: Claims tenant by tenant (SQLite, where one transaction holds the write lock throughout):
#: every tenant with open deliveries, walking the index from one tenant to the next;
OPEN_TENANTS = (
    "WITH RECURSIVE t(tenant) AS (SELECT MIN(tenant) FROM deliveries "
    "WHERE state IN ('pending', 'in_flight') UNION ALL SELECT (SELECT MIN(tenant) FROM "
    "deliveries WHERE state IN ('pending', 'in_flight') AND tenant > t.tenant) FROM t "
    "WHERE t.tenant IS NOT NULL) SELECT tenant FROM t WHERE tenant IS NOT NULL"
)
#: live claims per tenant (real now);
LIVE_CLAIMS = (
    "SELECT tenant, COUNT(*) FROM deliveries WHERE state = 'in_flight' AND claim_until_ms >= ? "
    "GROUP BY tenant"
)
#: and a tenant's first due deliveries (tenant, real now, tenant, room) and expired claims
#: (tenant, real now, room) as (due_ms, created_ms, id), in due order.
TENANT_DUE = (
    "SELECT due_ms, created_ms, id FROM deliveries WHERE tenant = ? AND state = 'pending' "
    "AND due_ms <= ? + COALESCE((SELECT offset_ms FROM clocks WHERE tenant = ?), 0) "
    "ORDER BY due_ms, created_ms, id LIMIT ?"
)
TENANT_EXPIRED = (
    "SELECT due_ms, created_ms, id FROM deliveries WHERE tenant = ? AND state = 'in_flight' "
    "AND claim_until_ms < ? ORDER BY due_ms, created_ms, id LIMIT ?"
)
#: (owner, until, id, real now) — rechecked, so a row another claimer took is left alone.
CLAIM_ONE = (
    "UPDATE deliveries SET state = 'in_flight', claim_owner = ?, claim_until_ms = ? "
    "WHERE id = ? AND (state = 'pending' OR (state = 'in_flight' AND claim_until_ms < ?)) "
    "RETURNING body"
)

# --- exchanges, the change feed, tenants ----------------------------------------------------

#: (tenant, payment_id, body)
INSERT_EXCHANGE = "INSERT INTO exchanges (tenant, payment_id, body) VALUES (?, ?, ?)"
EXCHANGES = "SELECT body FROM exchanges WHERE payment_id = ? ORDER BY seq"
#: (tenant, kind, ref): the record's one change moves to the end of the feed.
TOUCH = {
    "sqlite": "INSERT OR REPLACE INTO changes (tenant, kind, ref) VALUES (?, ?, ?)",
    "postgresql": (
        "INSERT INTO changes (tenant, kind, ref) VALUES (?, ?, ?) ON CONFLICT (kind, ref) DO "
        "UPDATE SET seq = nextval(pg_get_serial_sequence('changes', 'seq')), "
        "tenant = excluded.tenant"
    ),
}
LAST_CHANGE = {
    "sqlite": "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
    "postgresql": ("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM changes_seq_seq"),
}
CHANGES = "SELECT seq, tenant, kind, ref FROM changes WHERE seq > ?{tenant} ORDER BY seq LIMIT ?"
TENANT_COUNTS = "SELECT tenant, payments, newest_ms FROM tenant_payments"
OTHER_TENANTS = "SELECT tenant FROM clocks UNION SELECT DISTINCT tenant FROM documents"
ALIASES_OF = (
    "SELECT provider, alias, payment_id FROM aliases WHERE tenant = ? ORDER BY provider, alias"
)
DOCUMENTS_OF = "SELECT kind, key, body FROM documents WHERE tenant = ? ORDER BY kind, key"


def forget(tenant: str | None, touch: str) -> list[tuple[str, tuple[Any, ...], bool]]:
    """Writes that forget one tenant (or everything) and record it in the change feed."""
    writes: list[tuple[str, tuple[Any, ...], bool]]
    if tenant is None:
        writes = [(f"DELETE FROM {table}", (), False) for table in TABLES]
    else:
        writes = [(f"DELETE FROM {table} WHERE tenant = ?", (tenant,), False) for table in TABLES]
    writes.append((touch, (tenant or "*", "tenant", tenant or "*"), False))
    return writes


# --- clocks and locks ----------------------------------------------------------------------

CLOCK = "SELECT offset_ms FROM clocks WHERE tenant = ?"
SET_CLOCK = (
    "INSERT INTO clocks (tenant, offset_ms) VALUES (?, ?) "
    "ON CONFLICT (tenant) DO UPDATE SET offset_ms = excluded.offset_ms"
)
#: (tenant, delta, max offset) — RETURNING nothing when the bound would be passed.
ADVANCE_CLOCK = (
    "INSERT INTO clocks (tenant, offset_ms) VALUES (?, ?) "
    "ON CONFLICT (tenant) DO UPDATE SET offset_ms = clocks.offset_ms + excluded.offset_ms "
    "WHERE clocks.offset_ms + excluded.offset_ms <= ? RETURNING offset_ms"
)
#: (name, owner, until, real now)
TRY_LOCK = (
    "INSERT INTO locks (name, owner, until_ms) VALUES (?, ?, ?) "
    "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until_ms = excluded.until_ms "
    "WHERE locks.until_ms < ? OR locks.owner = excluded.owner RETURNING owner"
)
UNLOCK = "DELETE FROM locks WHERE name = ? AND owner = ?"


def with_tenant(statement: str, tenant: str | None, column: str = "tenant") -> str:
    return statement.format(tenant=f" AND {column} = ?" if tenant is not None else "")


def payments_listing(where: PaymentFilter) -> tuple[str, tuple[Any, ...]]:
    """Newest first; equality filters first, so the index they lead is the one used."""
    terms, params = _equal(
        tenant=where.tenant, status=where.status, provider=where.provider, reference=where.reference
    )
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
    return _newest_first(
        "SELECT body, NULL FROM payments", terms, params, where.before, where.limit
    )


def deliveries_listing(where: DeliveryFilter) -> tuple[str, tuple[Any, ...]]:
    terms, params = _equal(
        tenant=where.tenant,
        provider=where.provider,
        payment_id=where.payment_id,
        state=where.state.value if where.state else None,
    )
    select = "SELECT body, state FROM deliveries"
    return _newest_first(select, terms, params, where.before, where.limit)


def _equal(**columns: object) -> tuple[list[str], list[Any]]:
    pairs = [(column, value) for column, value in columns.items() if value is not None]
    return [f"{column} = ?" for column, _ in pairs], [value for _, value in pairs]


def _newest_first(
    select: str, terms: list[str], params: list[Any], before: Cursor | None, limit: int
) -> tuple[str, tuple[Any, ...]]:
    """``(created_ms, id) < cursor`` walks the index newest first from the cursor on."""
    if before is not None:
        terms.append("(created_ms, id) < (?, ?)")
        params.extend((millis(before[0]), before[1]))
    where = f" WHERE {' AND '.join(terms)}" if terms else ""
    return f"{select}{where} ORDER BY created_ms DESC, id DESC LIMIT ?", (*params, limit)


_PLACEHOLDER = re.compile(r"\?")


def numbered(statement: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2 ...`` (no statement here quotes a ``?``)."""
    counter = iter(range(1, 1_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", statement)
