"""POST /authToken: a member's sKey buys an AuthToken good for one hour of the tenant clock."""

from __future__ import annotations

from aiohttp import web

from ...openapi import Answer
from . import auth, render
from .answers import TokenAnswer
from .endpoints import BASE, ERRORS, answer, api, paymentz
from .models import TokenRequest


@api.post(
    f"{BASE}/authToken",
    name="auth_token",
    body=TokenRequest,
    answers={
        200: Answer("The token (result 200 Token generated successfully)", TokenAnswer),
        400: ERRORS[400],
        401: ERRORS[401],
        415: ERRORS[415],
        500: ERRORS[500],
    },
)
async def auth_token(request: web.Request) -> web.StreamResponse:
    """Get an AuthToken: memberId and sKey, or partnerId, merchant.username and sKey."""
    plugin = paymentz(request)
    principal = plugin.principal(request)  # the sKey was checked by authenticate
    token = auth.issue(principal.credential, plugin.context.clocks.now(principal.tenant))
    return answer(render.token_answer(principal.credential, token))
