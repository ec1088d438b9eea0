"""Fiserv's request authentication: ``Api-Key``, ``Client-Request-Id``, ``Timestamp`` (a
five-minute window on the tenant clock) and ``Message-Signature``.

The signature is ``Base64(HMAC-SHA256(secret, ApiKey + ClientRequestId + Timestamp + body))``;
Fiserv's own SDKs and docs encode the MAC two ways before Base64 — its lowercase hex digest
(Java, Python, .NET SDKs, ipg-na docs) or its raw 32 bytes (the NPM SDK) — and both are
accepted. A signature is verified whenever the secret is known: the documented default sandbox
credentials, configured ones, and every credential in ``strict`` mode. In ``open`` mode an
unknown Api-Key is accepted and remembered without a secret (its signatures cannot be checked).

On the payment-token calls an access token (``Authorization: Bearer {tokenId}``, access.py)
authorises a web client in place of the Message-Signature; a bad or expired one is 401.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from aiohttp import web

from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ..base import ApiError, Principal, ProviderPlugin
from . import access
from . import envelope as e

#: Documented sandbox test credentials (not secrets: every psp-sandbox has them).
DEFAULT_API_KEY = "PspSandboxFiservDefaultApiKey001"
DEFAULT_API_SECRET = "PspSandboxFiservDefaultApiSecret0000000000000001"
DEFAULT_STORE_ID = "12345500000"

DEFAULT = Credential(
    provider="fiserv",
    key=DEFAULT_API_KEY,
    secret=DEFAULT_API_SECRET,
    tenant="fiserv-default",
    extra={"store_id": DEFAULT_STORE_ID},
    configured=True,
)

#: "Timestamp ... used for Message Signature generation and time limit (5 mins)".
TIMESTAMP_WINDOW_MS = 5 * 60 * 1000


def signatures(
    api_key: str, client_request_id: str, timestamp: str, body: bytes, secret: str
) -> tuple[str, str]:
    """Both accepted encodings: Base64 of the hex digest, and Base64 of the raw digest."""
    message = api_key.encode() + client_request_id.encode() + timestamp.encode() + body
    mac = hmac.new(secret.encode(), message, hashlib.sha256)
    return (
        base64.b64encode(mac.hexdigest().encode()).decode(),
        base64.b64encode(mac.digest()).decode(),
    )


async def authenticate(plugin: ProviderPlugin, request: web.Request) -> Principal:
    api_key = request.headers.get("Api-Key", "")
    client_request_id = request.headers.get(e.CLIENT_REQUEST_ID, "")
    if not api_key:
        raise e.edge(400, e.INVALID_REQUEST)
    credentials = plugin.context.credentials
    credential = await credentials.lookup("fiserv", api_key)
    if credential is None:
        if credentials.mode == "strict":
            raise e.edge(401, e.INVALID_API_KEY)
        credential = await credentials.provision(Credential("fiserv", api_key, None, api_key))
    tenant = plugin.tenant_for(request, credential)
    if not client_request_id:
        raise e.edge(400, e.INVALID_REQUEST)
    timestamp = request.headers.get("Timestamp", "")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 18:
        raise e.edge(400, e.INVALID_REQUEST)
    secret = credential.secret
    signature = request.headers.get("Message-Signature", "")
    await plugin.context.clocks.refresh(tenant)
    now = plugin.context.clocks.now(tenant)
    bearer = request.headers.get("Authorization")
    route = (request.match_info.route.name or "").partition(":")[0]
    by_token = bearer is not None and route in access.TOKEN_AUTHORISED
    if by_token:
        assert bearer is not None
        await access.check(plugin, tenant, api_key, bearer, now)
    if secret is not None and not signature and not by_token:
        raise e.edge(
            401, e.NOT_AUTHORIZED, response_type="Unauthorized", with_client_request_id=False
        )
    now_ms = int(now.timestamp() * 1000)
    if abs(now_ms - int(timestamp)) > TIMESTAMP_WINDOW_MS:
        raise expired()
    if secret is not None and signature:
        body = await request.read()
        expected = signatures(api_key, client_request_id, timestamp, body, secret)
        if not any(hmac.compare_digest(signature.encode(), s.encode()) for s in expected):
            raise e.edge(403, e.SIGNATURE_INVALID)
    return Principal(tenant, credential)


def expired() -> ApiError:
    return e.edge(403, e.SIGNATURE_EXPIRED)


def merchant_headers(credential: Credential, request: MerchantRequest) -> dict[str, str]:
    """Api-Key, Client-Request-Id, Timestamp (epoch milliseconds) and, when the credential has
    a secret, Message-Signature (Base64 of the hex HMAC, as Fiserv's SDKs send it)."""
    timestamp = str(int(request.now.timestamp() * 1000))
    headers = {
        "Api-Key": credential.key,
        e.CLIENT_REQUEST_ID: request.nonce,
        "Timestamp": timestamp,
    }
    if credential.secret is not None:
        hexed, _raw = signatures(
            credential.key, request.nonce, timestamp, request.body, credential.secret
        )
        headers["Message-Signature"] = hexed
    return headers
