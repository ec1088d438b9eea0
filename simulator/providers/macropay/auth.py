"""Macropay credentials: one ``x-api-key`` header (an API Gateway key), no request signing.

Missing or refused keys answer 403 ``{"message": "User is not authorized to access this
resource with an explicit deny"}``. In ``open`` mode any well-formed key (20 to 128 printable
characters without spaces, as API Gateway keys are) is accepted on first use and gets a tenant
of its own; in ``strict`` mode only configured keys are. Configured keys are taken as they are.
"""

from __future__ import annotations

import re

from aiohttp import web

from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ...services.tenancy import own_tenant
from ..base import ApiError, Principal, ProviderPlugin
from . import mapping

#: The sandbox's documented test key (not a secret: every psp-sandbox has it).
DEFAULT_API_KEY = "psp-sandbox-macropay-test-key-0001"

DEFAULT = Credential(
    provider="macropay",
    key=DEFAULT_API_KEY,
    secret=None,
    tenant="macropay-default",
    configured=True,
)

HEADER = "x-api-key"
_KEY = re.compile(r"^[\x21-\x7e]{20,128}$")


async def authenticate(plugin: ProviderPlugin, request: web.Request) -> Principal:
    key = request.headers.get(HEADER, "")
    if not key:
        raise denied()
    credentials = plugin.context.credentials
    credential = await credentials.lookup("macropay", key)
    if credential is None:
        if credentials.mode == "strict" or not _KEY.match(key):
            raise denied()
        credential = await credentials.provision(
            Credential("macropay", key, None, own_tenant("macropay", key))
        )
    return Principal(credential.tenant, credential)


def denied() -> ApiError:
    return ApiError(403, mapping.gateway_body(mapping.EXPLICIT_DENY))


def merchant_headers(credential: Credential, request: MerchantRequest) -> dict[str, str]:
    return {HEADER: credential.key}
