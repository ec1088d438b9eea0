"""Who may use the admin API: the bearer of the admin token, on every call but the public ones."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from aiohttp import web

from .arguments import context_of
from .endpoints import api
from .problems import AdminProblem

#: One realm for the admin API and the admin's pages, so that a browser that signed in to a
#: page gives the same credentials to the API calls the page's script makes.
REALM = "psp-sandbox admin (any user name, the admin token as password)"
#: The browser's way (HTTP Basic, RFC 7617): what makes it ask, or reuse what it was given.
BASIC = f'Basic realm="{REALM}", charset="UTF-8"'
#: ``WWW-Authenticate`` of a refusal: a bearer token (RFC 6750), or the browser's way.
_CHALLENGE = f'Bearer realm="{REALM}"'


@web.middleware
async def require_admin_token(request: web.Request, handler: Any) -> web.StreamResponse:
    """With an admin token configured, every non-public admin call carries it (a bearer token,
    or a browser's HTTP Basic); others answer 401 before anything is read or changed."""
    token = context_of(request).settings.admin_token
    endpoint = api.endpoint(request.match_info.route.name or "")
    if token is None or endpoint is None or endpoint.public:
        response: web.StreamResponse = await handler(request)
        return response
    given = given_token(request)
    if given is None:
        return _refused(
            "admin_token_required",
            "this sandbox's admin API needs its admin token: send Authorization: Bearer <token>",
            _CHALLENGE,
        )
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        return _refused(
            "invalid_admin_token",
            "the admin token is not this sandbox's",
            f'{_CHALLENGE}, error="invalid_token"',
        )
    allowed: web.StreamResponse = await handler(request)
    return allowed


def _refused(code: str, message: str, bearer: str) -> web.Response:
    """401 with both challenges, each in its own header: a script's bearer token, and the
    browser's Basic — so that a browser signed in to the pages gives its credentials again."""
    response = AdminProblem(401, code, message, {"WWW-Authenticate": bearer}).response()
    response.headers.add("WWW-Authenticate", BASIC)
    return response


def given_token(request: web.Request) -> str | None:
    """The admin token the request gives: ``Authorization: Bearer <token>``, or HTTP Basic with
    the token as password (what a browser sends for the pages; any user name)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if not credentials:
        return None
    if scheme.lower() == "bearer":
        return credentials
    if scheme.lower() == "basic":
        try:
            _user, colon, password = (
                base64.b64decode(credentials, validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password if colon and password else None
    return None


def is_admin(request: web.Request) -> bool:
    """Whether the request may act as the admin: no token is configured, or it gives it."""
    token = context_of(request).settings.admin_token
    if token is None:
        return True
    given = given_token(request)
    return given is not None and hmac.compare_digest(
        given.encode(), token.get_secret_value().encode()
    )
