"""payworks credentials: the ``payworks-apiIdentifier`` Authorization header, and the merchants a
credential acts for.

``Authorization: payworks-apiIdentifier apiIdentifier=<id>,apiSecretKey=<key>`` (documented;
not HTTP Basic). Missing or malformed, or a wrong secret for a known identifier: 401. In
``open`` mode an unknown identifier is provisioned with the secret it came with (and gets a
tenant of its own); in ``strict`` mode only configured ones work. Merchants are UUIDs in the
path (anything else: 404). In open mode a credential acts for any merchant; in strict mode only
for those configured with it (``extra = {merchants = "<uuid>,<uuid>"}``), others are 404.
"""

from __future__ import annotations

import hmac
import re

from aiohttp import web

from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ...services.tenancy import own_tenant
from ..base import ApiError, Principal, ProviderPlugin
from . import mapping

#: The sandbox's documented test credentials (not secrets: every psp-sandbox has them).
DEFAULT_API_IDENTIFIER = "6a1d6e2c-0f5b-4a8e-9c3d-7e2f1b4a5c60"
DEFAULT_API_SECRET_KEY = "PspSandboxPayworksTestSecret0001"
DEFAULT_MERCHANT = "4b3c5d6e-7f80-4a1b-9c2d-3e4f5a6b7c8d"

DEFAULT = Credential(
    provider="payworks",
    key=DEFAULT_API_IDENTIFIER,
    secret=DEFAULT_API_SECRET_KEY,
    tenant="payworks-default",
    extra={"merchants": DEFAULT_MERCHANT},
    configured=True,
)

SCHEME = "payworks-apiIdentifier"
_HEADER = re.compile(
    r"^payworks-apiIdentifier +apiIdentifier=([^\s,=]{1,128}) *, *apiSecretKey=([^\s,]{1,256})$"
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


async def authenticate(plugin: ProviderPlugin, request: web.Request) -> Principal:
    header = request.headers.get("Authorization")
    if header is None:
        raise refused("The Authorization header is missing")
    found = _HEADER.match(header.strip())
    if found is None:
        raise refused(
            "Authorization must read 'payworks-apiIdentifier "
            "apiIdentifier=<API_IDENTIFIER>,apiSecretKey=<API_SECRET_KEY>'"
        )
    identifier, secret = found.groups()
    credentials = plugin.context.credentials
    credential = await credentials.lookup("payworks", identifier)
    if credential is None:
        if credentials.mode == "strict":
            raise refused("Unknown apiIdentifier")
        credential = await credentials.provision(
            Credential("payworks", identifier, secret, own_tenant("payworks", identifier))
        )
    if not hmac.compare_digest((credential.secret or "").encode(), secret.encode()):
        raise refused("The apiSecretKey does not match the apiIdentifier")
    return Principal(plugin.tenant_for(request, credential), credential)


def merchant_of(plugin: ProviderPlugin, principal: Principal, merchant: str) -> str:
    """The merchant named in the path, if the credential acts for it (else 404)."""
    if not _UUID.match(merchant):
        raise merchant_not_found(merchant)
    merchant = merchant.lower()
    if plugin.context.credentials.mode == "open":
        return merchant
    listed = principal.credential.extra.get("merchants", "")
    if merchant not in {m.strip().lower() for m in listed.split(",")}:
        raise merchant_not_found(merchant)
    return merchant


def merchant_headers(credential: Credential, request: MerchantRequest) -> dict[str, str]:
    """What a merchant's backend sends (scenario files, ``trigger``): the documented header."""
    return {
        "Authorization": f"{SCHEME} apiIdentifier={credential.key},"
        f"apiSecretKey={credential.secret or ''}"
    }


def refused(message: str) -> ApiError:
    error = mapping.AUTHENTICATION_FAILED
    return ApiError(error.status, mapping.error_body(error, message))


def merchant_not_found(merchant: str) -> ApiError:
    error = mapping.MERCHANT_NOT_FOUND
    return ApiError(error.status, mapping.error_body(error, f"No merchant {merchant[:64]}"))
