"""Paymentz request bodies: form-encoded or JSON, with dotted names flat or nested, read into
one nested mapping (``card.number=…`` and ``{"card": {"number": …}}`` are the same request).

A body is read once per request and kept on it: authentication needs the member id before the
handler validates the rest. Anything that is not a form or a JSON object, a name given twice
with different values, or a name that is both a value and a group is a malformed body; a name
with an empty part (``a..b``) names no parameter and is ignored, as unknown parameters are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from .. import bodies as exact

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Body = dict[str, Any]

#: More parameters than any documented request has, by far.
MAX_FIELDS = 500

#: The decoded body of a request (set by the first ``body_of``).
_BODY: web.RequestKey[Body] = web.RequestKey("paymentz-body")


class Malformed(ValueError):
    """Not a form or a JSON object, or names that contradict each other."""


class UnsupportedMediaType(ValueError):
    """A body sent as neither form nor JSON."""


async def body_of(request: web.Request) -> Body:
    """The request's body as one nested mapping; a GET's comes from its query string."""
    if _BODY in request:
        return request[_BODY]
    if request.method == "GET":
        body = nest(request.query.items())
    else:
        body = await _read(request)
    request[_BODY] = body
    return body


async def _read(request: web.Request) -> Body:
    raw = await request.read()
    content_type = request.content_type
    if content_type == JSON:
        try:
            # Numbers exactly as written: ``"amount": 12.340000000000000001`` is that text, not
            # a float's 12.34; NaN, Infinity and absurd numbers or nesting are not JSON here.
            parsed = exact.load(raw)
        except exact.MalformedBody:
            raise Malformed("the body is not JSON") from None
        if not isinstance(parsed, dict):
            raise Malformed("the body is not a JSON object")
        return nest(flatten(parsed))
    if content_type == FORM or (not raw and content_type == "application/octet-stream"):
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(
                text,
                keep_blank_values=True,
                strict_parsing=bool(text),
                errors="strict",
                max_num_fields=MAX_FIELDS,
            )
        except (UnicodeDecodeError, ValueError):
            raise Malformed("the body is not a form") from None
        return nest(pairs)
    raise UnsupportedMediaType(content_type)


def flatten(value: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{"a": {"b": 1}, "c.d": 2}`` → ``[("a.b", 1), ("c.d", 2)]`` (lists stay values)."""
    pairs: list[tuple[str, Any]] = []
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            pairs.extend(flatten(item, f"{name}."))
        else:
            pairs.append((name, item))
    return pairs


def nest(pairs: Iterable[tuple[str, Any]]) -> Body:
    """Dotted names into nested mappings; the same name twice must carry the same value."""
    body: Body = {}
    for name, value in pairs:
        parts = name.split(".")
        if not all(parts):
            continue  # not a parameter name (``a..b``, ``x.``): unknown, so ignored
        group = body
        for part in parts[:-1]:
            inner = group.setdefault(part, {})
            if not isinstance(inner, dict):
                raise Malformed(f"{name!r} is both a value and a group")
            group = inner
        last = parts[-1]
        if last in group and group[last] != value:
            raise Malformed(f"{name!r} is given twice")
        if isinstance(group.get(last), dict) and not isinstance(value, dict):
            raise Malformed(f"{name!r} is both a value and a group")
        group[last] = value
    return body


def dotted(body: Mapping[str, Any]) -> dict[str, Any]:
    """The flat, dotted form of a nested body (for forms the sandbox renders)."""
    return dict(flatten(body))
