"""Where the links the sandbox hands out point: never at a host a client merely claimed.

Hosted 3-D Secure and checkout pages are reached through URLs the sandbox writes into its
answers (``Location``, ``user_action_url``, ``acsURL`` ...). Their origin is, in order:

1. ``public_url`` when configured (a sandbox behind a proxy or on a shared host);
2. else the request's own scheme and host — taken from ``X-Forwarded-Proto`` /
   ``X-Forwarded-Host`` only with ``trust_forwarded_headers`` — if that host is a loopback
   address or one of ``allowed_hosts``;
3. else the address the connection actually reached (the listening socket's).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Sequence

from aiohttp import web

from .settings import Settings

_HOST = re.compile(r"^(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(?::(?P<port>[0-9]{1,5}))?$")
_SCHEMES = ("http", "https")


def public_origin(request: web.Request, settings: Settings) -> str:
    """``https://sandbox.example.com`` or ``http://127.0.0.1:8480``: the origin of links."""
    if settings.public_url is not None:
        return str(settings.public_url).rstrip("/")
    scheme, host = request.scheme, request.host
    if settings.trust_forwarded_headers:
        scheme = _first(request.headers.get("X-Forwarded-Proto")) or scheme
        host = _first(request.headers.get("X-Forwarded-Host")) or host
    if scheme.lower() not in _SCHEMES:
        scheme = request.scheme
    if is_trusted_host(host, settings.allowed_hosts):
        return f"{scheme.lower()}://{host}"
    return f"{request.scheme}://{_reached(request, settings)}"


def is_trusted_host(host: str, allowed: Sequence[str] = ()) -> bool:
    """A ``Host`` links may be built from: loopback, or listed (``name`` or ``name:port``)."""
    found = _HOST.match(host)
    if found is None:
        return False
    name = found["name"].lower()
    if name == "localhost" or _is_loopback(name.strip("[]")):
        return True
    listed = {entry.lower() for entry in allowed}
    return host.lower() in listed or name in listed


@functools.lru_cache(maxsize=1024)  # every request asks of its Host; parsing one is not free
def _is_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _reached(request: web.Request, settings: Settings) -> str:
    """``host:port`` of the socket the request came in on (not anything the client said)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if not isinstance(sockname, tuple) or len(sockname) < 2:
        return f"{settings.host}:{settings.port}"
    address, port = str(sockname[0]), int(sockname[1])
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _first(value: str | None) -> str | None:
    """The first of a comma-separated header's values (the client-facing proxy's)."""
    if value is None:
        return None
    return value.split(",")[0].strip() or None
