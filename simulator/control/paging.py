"""Listing page by page: a capped page size, the filters a request names, opaque keyset
cursors."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from aiohttp import web

from ..engine import PaymentStatus
from ..store import PaymentFilter
from .problems import AdminProblem

#: The query parameters the payment list takes (the admin API and the dashboard alike).
FILTERS = ("provider", "reference", "status", "min_amount", "max_amount", "from", "to", "cursor")
_STATUSES = frozenset(s.value for s in PaymentStatus)
#: The most rows one page holds; more come page by page, each a cheap index walk.
MAX_LIMIT = 1000

CURSOR_PARAM = {
    "name": "cursor",
    "in": "query",
    "description": "The next_cursor of the previous page",
    "schema": {"type": "string"},
}


class Listed(Protocol):
    @property
    def created_at(self) -> datetime: ...
    @property
    def id(self) -> str: ...


def limit_of(request: web.Request) -> int:
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        raise AdminProblem(400, "invalid_request", "limit must be an integer") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise AdminProblem(400, "invalid_request", f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def payment_filter(query: Mapping[str, str], tenant: str | None, limit: int) -> PaymentFilter:
    """The filter the query names; bad values are the caller's 400."""
    status = query.get("status") or None
    if status is not None and status not in _STATUSES:
        raise AdminProblem(
            400, "invalid_request", f"status must be one of {', '.join(sorted(_STATUSES))}"
        )
    return PaymentFilter(
        tenant=tenant,
        provider=query.get("provider") or None,
        reference=query.get("reference") or None,
        status=status,
        min_amount=_whole(query, "min_amount"),
        max_amount=_whole(query, "max_amount"),
        created_from=_moment(query, "from"),
        created_until=_moment(query, "to"),
        before=cursor_of(query),
        limit=limit,
    )


def next_cursor(page: Sequence[Listed], limit: int) -> str | None:
    """Where the next page starts, when this one is full."""
    if len(page) < limit:
        return None
    last = page[-1]
    return base64.urlsafe_b64encode(f"{last.created_at.isoformat()}|{last.id}".encode()).decode()


def cursor_of(query: Mapping[str, str]) -> tuple[datetime, str] | None:
    given = query.get("cursor")
    return decode_cursor(given) if given else None


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, _, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        moment = datetime.fromisoformat(at)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        moment, row_id = None, ""
    if moment is None or moment.tzinfo is None or not row_id:
        raise AdminProblem(400, "invalid_request", "cursor is not one this sandbox gave")
    return moment, row_id


def _whole(query: Mapping[str, str], name: str) -> int | None:
    given = query.get(name)
    if not given:
        return None
    if not given.lstrip("-").isdigit():
        raise AdminProblem(400, "invalid_request", f"{name} must be a whole number of minor units")
    return int(given)


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    given = query.get(name)
    if not given:
        return None
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise AdminProblem(400, "invalid_request", f"{name} must be an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
