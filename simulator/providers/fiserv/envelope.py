"""Fiserv's answer envelopes: the request's echo (clientRequestId, apiTraceId) and error bodies.

Every answer echoes the request's ``Client-Request-Id`` and carries an ``apiTraceId``. Both
belong to the request being served, so they live in a context variable set by the Fiserv
sub-application's outermost middleware (each aiohttp request runs in its own task).
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ..base import ApiError

CLIENT_REQUEST_ID = "Client-Request-Id"


@dataclass(frozen=True, slots=True)
class Echo:
    client_request_id: str | None
    api_trace_id: str


_current: ContextVar[Echo | None] = ContextVar("fiserv_echo", default=None)
_counter = itertools.count(1)


def begin(request: web.Request, trace_seed: bytes) -> None:
    """Remember the request's echo for every answer rendered while serving it."""
    trace = base64.urlsafe_b64encode(trace_seed[:16] + next(_counter).to_bytes(4, "big"))
    _current.set(Echo(request.headers.get(CLIENT_REQUEST_ID), trace.decode().rstrip("=")))


def echo() -> Echo:
    return _current.get() or Echo(None, "sandbox-trace")


def head(*, with_client_request_id: bool = True, with_trace: bool = True) -> dict[str, Any]:
    """``clientRequestId`` (when the request had one) and ``apiTraceId``."""
    current = echo()
    out: dict[str, Any] = {}
    if with_client_request_id and current.client_request_id is not None:
        out["clientRequestId"] = current.client_request_id
    if with_trace:
        out["apiTraceId"] = current.api_trace_id
    return out


# --- ErrorResponse: {clientRequestId, apiTraceId, responseType, error{code, message, details}} --

#: The documented messages of the auth and transport errors (fiserv.md §1.3).
INVALID_REQUEST = "The request is invalid or not properly formed"
INVALID_API_KEY = "Invalid API key"
NOT_AUTHORIZED = "Not authorized to access the resource"
SIGNATURE_INVALID = "Message Signature validation error"
SIGNATURE_EXPIRED = "Message Signature has expired"
NOT_FOUND = (
    "The requested operation failed because a resource associated with the request could not "
    "be found"
)
UNSUPPORTED_MEDIA_TYPE = "Unsupported Media Type"
INTERNAL_ERROR = "The request failed due to an internal error"

#: responseType per HTTP status for ErrorResponse bodies.
RESPONSE_TYPE: Mapping[int, str] = {
    400: "BadRequest",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "NotFound",
    405: "BadRequest",
    409: "GatewayDeclined",
    422: "EndpointDeclined",
    500: "ServerError",
    502: "EndpointCommunicationError",
    503: "ServerError",
    504: "EndpointCommunicationError",
}


def error_body(
    status: int,
    message: str,
    *,
    code: str | None = None,
    response_type: str | None = "",
    details: Sequence[Mapping[str, str]] = (),
    with_client_request_id: bool = True,
    with_trace: bool = True,
) -> dict[str, Any]:
    """An ErrorResponse. ``response_type=""`` picks the usual one for ``status``; ``None``
    leaves it out (the documented 415 has none)."""
    body = head(with_client_request_id=with_client_request_id, with_trace=with_trace)
    kind = RESPONSE_TYPE.get(status, "BadRequest" if status < 500 else "ServerError")
    if response_type is not None:
        body["responseType"] = response_type or kind
    error: dict[str, Any] = {"code": code or str(status), "message": message}
    if details:
        error["details"] = [dict(d) for d in details]
    body["error"] = error
    return body


def error(status: int, message: str, **kw: Any) -> ApiError:
    return ApiError(status, error_body(status, message, **kw))


def edge(status: int, message: str, **kw: Any) -> ApiError:
    """An error of the API gateway's edge (keys, signatures, unknown resources, internal
    errors): documented without an ``apiTraceId``."""
    return error(status, message, with_trace=False, **kw)


def bad_request(*details: Mapping[str, str]) -> ApiError:
    return error(400, INVALID_REQUEST, details=details)


def field(name: str, message: str) -> dict[str, str]:
    return {"field": name, "message": message}
