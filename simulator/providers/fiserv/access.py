"""POST /authentication/access-tokens: short-lived access tokens (``expiresInSeconds`` 899, on
the tenant clock) that authorise web clients' payment-token calls in place of a
Message-Signature (``Authorization: Bearer {tokenId}``)."""

from __future__ import annotations

import base64
import string
from datetime import datetime, timedelta
from typing import Any, Literal

from aiohttp import web
from pydantic import ConfigDict, TypeAdapter

from ...openapi import Answer
from ...wire import WireModel
from ..base import ApiError, ProviderPlugin
from . import envelope
from .endpoints import api, errors, keyed, keyed_call, parse
from .resources import AccessTokenRequest

#: "expiresInSeconds": "899" (the spec's and the docs' value).
LIFETIME_SECONDS = 899
ALGORITHM = "RSA/NONE/PKCS1PADDING"
#: The sandbox's public key for web clients (a fixed 2048-bit RSA key; the sandbox keeps no
#: private key, so nothing encrypted with it is ever read).
PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA40sGwksExkdHCtuw5X59
O9xHL81a6wN0MIvN3syXQlSXz6KC9LQmzQ5xtQrlCYhMIWA+QI5Tmkw759+faJct
9vTXkjBwPe61LG+5Mqo2d1Xh0UwBSCeTSmCKPZUK+bm6Z445bHmkC/jD/UlMqG7D
SVeyQMfxDVYFd1gkotFsK/KrwULosA4UAFr5aheMkTKN4wmDw4oSxnBC6HbDOdz7
cfLL917I8qhmWatPXV5bKJTgpOeDg9lNsi50Iw6WTdA4o8IHyJA1LcBskKSUn9EX
PBGYSF1jdf5TbAqXohR8HlnkbJeDBrMLD32eYJ4MOAAe5bgQeMXuSkBN/dDbxhK3
HwIDAQAB
-----END PUBLIC KEY-----
"""
#: The calls an access token authorises (the spec's ``AccessTokenParam``).
TOKEN_AUTHORISED = frozenset(
    {"createPaymentToken", "updatePaymentToken", "getPaymentTokenDetails", "deletePaymentToken"}
)
INVALID_TOKEN = "The token is invalid. It may have expired, or is maybe incorrect"

_KIND = "fiserv:access-token"
_ALPHABET = string.digits + string.ascii_letters
REQUEST: TypeAdapter[Any] = TypeAdapter(AccessTokenRequest)


class AccessTokenResponse(WireModel):
    model_config = ConfigDict(extra="allow")

    clientRequestId: str | None = None
    tokenId: str
    status: Literal["ACTIVE"]
    issuedOn: str
    expiresInSeconds: str
    publicKeyBase64: str | None = None
    algorithm: str


@api.post(
    "/authentication/access-tokens",
    name="accessToken",
    body=AccessTokenRequest,
    answers={
        200: Answer("The access token, active for 899 seconds", AccessTokenResponse),
        **errors(400, 401, 403, 415, 500),
    },
)
@keyed
async def access_token(request: web.Request) -> web.StreamResponse:
    """Generate an access token for the web client's payment-token calls."""
    call = await keyed_call(request)
    plugin, who, now, key = call.plugin, call.who, call.now, call.key
    body = await parse(request, REQUEST)
    ids = plugin.context.ids
    token_id = _token_id(
        ids.uuid("fiserv-access-token", who.tenant, key.key, 1)
        + ids.uuid("fiserv-access-token", who.tenant, key.key, 2)
    )
    async with plugin.context.store.begin() as uow:
        expires = now + timedelta(seconds=LIFETIME_SECONDS)
        doc = {"api_key": who.credential.key, "expires_at": expires.isoformat()}
        uow.put_document(_KIND, who.tenant, token_id, doc)
        await uow.commit()
    answer: dict[str, Any] = {
        **envelope.head(with_trace=False),
        "tokenId": token_id,
        "status": "ACTIVE",
        "issuedOn": str(int(now.timestamp() * 1000)),
        "expiresInSeconds": str(LIFETIME_SECONDS),
        "algorithm": ALGORITHM,
    }
    if body.publicKeyRequired:
        answer["publicKeyBase64"] = base64.b64encode(PUBLIC_KEY_PEM.encode()).decode()
    return await call.answer(answer)


async def check(
    plugin: ProviderPlugin, tenant: str, api_key: str, authorization: str, now: datetime
) -> None:
    """Accept ``Bearer {tokenId}`` of an active token of this Api-Key; 401 otherwise."""
    scheme, _, token_id = authorization.partition(" ")
    doc = None
    if scheme.lower() == "bearer" and token_id.strip():
        async with plugin.context.store.begin() as uow:
            doc = await uow.get_document(_KIND, tenant, token_id.strip())
    valid = (
        doc is not None
        and doc.get("api_key") == api_key
        and datetime.fromisoformat(doc["expires_at"]) > now
    )
    if not valid:
        raise invalid_token()


def invalid_token() -> ApiError:
    return envelope.edge(401, INVALID_TOKEN, response_type="Unauthenticated")


def _token_id(hex_digits: str) -> str:
    """28 letters and digits, as the spec's example (``gliF92ypj9cKRWUP8lpRIbI3bhNf``)."""
    number = int(hex_digits.replace("-", ""), 16)
    chars = []
    for _ in range(28):
        number, digit = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[digit])
    return "".join(chars)
