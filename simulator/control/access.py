"""Who may use the admin API: the bearer of the admin token, on every call but the public ones."""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web

from .arguments import context_of
from .endpoints import api
from .problems import AdminProblem

#: ``WWW-Authenticate`` of a refusal (RFC 6750).
_CHALLENGE = 'Bearer realm="psp-sandbox admin API"'


@web.middleware
async def require_admin_token(request: web.Request, handler: Any) -> web.StreamResponse:
    """With an admin token configured, every non-public admin call carries it as
    ``Authorization: Bearer <token>``; others answer 401 before anything is read or changed."""
    token = context_of(request).settings.admin_token
    endpoint = api.endpoint(request.match_info.route.name or "")
    if token is not None and endpoint is not None and not endpoint.public:
        given = _bearer(request)
        if given is None:
            raise AdminProblem(
                401,
                "admin_token_required",
                "this sandbox's admin API needs its admin token: "
                "send Authorization: Bearer <token>",
                {"WWW-Authenticate": _CHALLENGE},
            )
        if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            raise AdminProblem(
                401,
                "invalid_admin_token",
                "the admin token is not this sandbox's",
                {"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
            )
    response: web.StreamResponse = await handler(request)
    return response


def _bearer(request: web.Request) -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        return None
    return credentials
