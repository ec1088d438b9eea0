"""Tranzzo credentials: ``X-API-AUTH: CPAY {API_KEY}:{API_SECRET}`` plus ``X-API-KEY``.

The sandbox's documented default test credentials are below; in ``open`` mode any other
well-formed credentials are accepted on first use and remembered (with the POS_ID they first
came with), so a later request with another secret, endpoints key or POS_ID is refused with 401.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import replace

from aiohttp import web

from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ...services.tenancy import own_tenant
from ..base import ApiError, Principal, ProviderPlugin

#: Documented sandbox test credentials (not secrets: every psp-sandbox has them).
DEFAULT_POS_ID = "7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b"
DEFAULT_API_KEY = "3b9e2a71-6c4d-4f80-b5e1-9d2c7a8f6e10"
DEFAULT_API_SECRET = "psp-sandbox-tranzzo-test-secret1"
DEFAULT_ENDPOINTS_KEY = "AIzaSyPspSandboxTranzzoEndpointsKey0001"

DEFAULT = Credential(
    provider="tranzzo",
    key=DEFAULT_API_KEY,
    secret=DEFAULT_API_SECRET,
    tenant="tranzzo-default",
    extra={"pos_id": DEFAULT_POS_ID, "endpoints_key": DEFAULT_ENDPOINTS_KEY},
    configured=True,
)

#: The documented 401 message.
INVALID_CREDENTIALS = "Invalid pos_id field or credentials"

_CPAY = re.compile(r"^CPAY\s+([^:\s]+):(\S+)$")


async def authenticate(plugin: ProviderPlugin, request: web.Request) -> Principal:
    header = request.headers.get("X-API-AUTH", "")
    endpoints_key = request.headers.get("X-API-KEY") or request.query.get("key")
    found = _CPAY.match(header)
    if not found or not endpoints_key:
        raise unauthorized(plugin)
    api_key, api_secret = found.groups()
    credentials = plugin.context.credentials
    credential = await credentials.lookup("tranzzo", api_key)
    if credential is None:
        if credentials.mode == "strict":
            raise unauthorized(plugin)
        credential = await credentials.provision(
            Credential(
                "tranzzo",
                api_key,
                api_secret,
                own_tenant("tranzzo", api_key),
                {"endpoints_key": endpoints_key},
            )
        )
    elif not (
        _same(credential.secret, api_secret)
        and _same(credential.extra.get("endpoints_key"), endpoints_key)
    ):
        raise unauthorized(plugin)
    return Principal(credential.tenant, credential)


async def check_pos(plugin: ProviderPlugin, principal: Principal, pos_id: str) -> Principal:
    """The request's pos_id must be the credentials' POS (401 otherwise). A credential
    provisioned in open mode is bound to the first POS_ID it is used with."""
    credential = principal.credential
    bound = credential.extra.get("pos_id")
    if bound is None and not credential.configured:
        credential = await plugin.context.credentials.provision(
            replace(credential, extra={**credential.extra, "pos_id": pos_id})
        )
        return replace(principal, credential=credential)
    if bound is not None and bound != pos_id:
        raise unauthorized(plugin)
    return principal


def unauthorized(plugin: ProviderPlugin) -> ApiError:
    return plugin.error(401, INVALID_CREDENTIALS)


def _same(expected: str | None, given: str) -> bool:
    return expected is not None and hmac.compare_digest(expected.encode(), given.encode())


def merchant_headers(credential: Credential, request: MerchantRequest) -> dict[str, str]:
    """``X-API-AUTH: CPAY {API_KEY}:{API_SECRET}`` and the endpoints key (tranzzo.md §2.1)."""
    return {
        "X-API-AUTH": f"CPAY {credential.key}:{credential.secret}",
        "X-API-KEY": credential.extra.get("endpoints_key", ""),
    }
