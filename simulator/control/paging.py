"""Keyset paging of the admin listings: a capped page size and an opaque cursor."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

from aiohttp import web

from ..store import Cursor
from ..store.codec import millis
from .problems import AdminProblem

#: The most rows one page holds; more come page by page, each a cheap index walk.
MAX_LIMIT = 1000

CURSOR_PARAM = {
    "name": "cursor",
    "in": "query",
    "description": "next_cursor of the previous page",
    "schema": {"type": "string"},
}


def limit_of(request: web.Request) -> int:
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        raise AdminProblem(400, "invalid_request", "limit must be an integer") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise AdminProblem(400, "invalid_request", f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def cursor_of(request: web.Request) -> Cursor | None:
    given = request.query.get("cursor")
    if not given:
        return None
    try:
        created, _, row_id = base64.urlsafe_b64decode(given.encode()).decode().partition(":")
        if not row_id:
            raise ValueError(given)
        return int(created), row_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise AdminProblem(400, "invalid_cursor", "cursor is not one this API gave") from None


def next_cursor(rows: Sequence[tuple[datetime, str]], limit: int) -> str | None:
    """The cursor of the page after ``rows`` ((created_at, id) of each), if there may be one."""
    if len(rows) < limit:
        return None
    created, row_id = rows[-1]
    return base64.urlsafe_b64encode(f"{millis(created)}:{row_id}".encode()).decode()
