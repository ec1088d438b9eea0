"""Refusals in Paymentz's envelope: ``{"result": {"code", "description"}, "timestamp"}`` with the
HTTP status of the code (mapping.py), raised anywhere in a Paymentz handler."""

from __future__ import annotations

from pydantic import ValidationError

from ...services.clock import utc_now
from ..base import ApiError
from . import mapping
from .mapping import ResultCode


def envelope(code: ResultCode, detail: str = "") -> dict[str, object]:
    return {"result": code.body(detail), "timestamp": mapping.timestamp(utc_now())}


def refused(code: ResultCode, detail: str = "") -> ApiError:
    """An error answer with ``code``; ``detail`` completes its description (a field name)."""
    return ApiError(code.http, envelope(code, detail))


def invalid(error: ValidationError) -> ApiError:
    """The first schema problem of a body: a missing parameter, or an invalid one, by name."""
    first = error.errors(include_url=False)[0] if error.errors() else None
    if first is None:
        return refused(mapping.MALFORMED_BODY)
    name = ".".join(str(part) for part in first["loc"]) or "body"
    if first["type"] == "missing":
        return refused(mapping.MISSING_PARAMETER, name)
    return refused(mapping.INVALID_PARAMETER, name)
