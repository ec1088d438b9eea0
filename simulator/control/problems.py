"""Admin API errors: every failure answers ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ..appkeys import CONTEXT
from ..connections import read_body_in_time
from ..engine import RuleViolation
from ..providers.base import json_response

#: Admin calls whose bodies may be larger than aiohttp's default limit, by route name (the body
#: is read up front, within the body timeout, before the handler runs).
BODY_LIMITS: dict[str, int] = {}


class AdminProblem(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        body = {"error": {"code": self.code, "message": self.message}}
        return json_response(body, self.status, self.headers)


@web.middleware
async def admin_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every failure of the admin API answers ``{"error": {"code", "message"}}``."""
    try:
        limit = BODY_LIMITS.get(request.match_info.route.name or "")
        if limit is not None and request.body_exists:
            request = request.clone(client_max_size=limit)
        await read_body_in_time(request, request.config_dict[CONTEXT].settings.body_timeout)
        if request.match_info.http_exception is not None:
            raise request.match_info.http_exception
        response: web.StreamResponse = await handler(request)
        return response
    except AdminProblem as problem:
        return problem.response()
    except RuleViolation as violation:
        return AdminProblem(409, violation.code.value, str(violation)).response()
    except web.HTTPException as http:
        if http.status < 400:
            raise
        return AdminProblem(
            http.status, http.reason.lower().replace(" ", "_"), http.reason
        ).response()
