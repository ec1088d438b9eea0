"""Paymentz credentials: a member's id and secure key (sKey), the auth token they buy, and the
token every other call carries.

``POST /authToken`` takes ``authentication.memberId`` + ``authentication.sKey`` (or
``authentication.partnerId`` + ``merchant.username`` + ``authentication.sKey``) and answers an
``AuthToken``: an HS256 JWT (``sub`` the login name, ``role`` merchant, ``iss`` PZ, ``iat``,
``exp``) good for one hour of the tenant clock. Every other call sends it as ``AuthToken: <jwt>``
(or ``X-Authorization: AuthToken :<jwt>``) and names its member in ``authentication.memberId``;
the token must be that member's and still good. Tokens are signed with a key derived from the
member's sKey, so any sandbox process serving the store checks them alike, and nothing about a
token is stored.

In ``open`` mode a member seen for the first time is provisioned with the sKey it sent, in a
tenant of its own; in ``strict`` mode only configured members are known.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt
from aiohttp import web
from pydantic import ValidationError

from ...engine.access import Grant, GrantExpired, check_grant, grant
from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ..base import Principal
from . import mapping
from .endpoints import body
from .models import TokenRequest
from .refusals import invalid, refused

if TYPE_CHECKING:
    from . import PaymentzPlugin

PROVIDER = "paymentz"

#: The sandbox's documented test member (not a secret: every psp-sandbox has it). The ids are
#: those of the documented token answer.
DEFAULT_MEMBER_ID = "11344"
DEFAULT_SECURE_KEY = "PspSandboxPaymentzTestSecureKey1"
DEFAULT_PARTNER_ID = "489"
DEFAULT_USERNAME = "testdoc"

DEFAULT = Credential(
    provider=PROVIDER,
    key=DEFAULT_MEMBER_ID,
    secret=DEFAULT_SECURE_KEY,
    tenant="paymentz-default",
    extra={"partnerId": DEFAULT_PARTNER_ID, "username": DEFAULT_USERNAME},
    configured=True,
)

TOKEN_LIFETIME = timedelta(hours=1)
ISSUER = "PZ"
ROLE = "merchant"
HEADER = "AuthToken"
ALTERNATE_HEADER = "X-Authorization"
_BEARER = re.compile(r"^\s*AuthToken\s*:?\s*(\S+)\s*$", re.IGNORECASE)
_CLAIMS = ["sub", "role", "iss", "iat", "exp"]


@dataclass(frozen=True, slots=True)
class Token:
    value: str
    grant: Grant


def login_of(credential: Credential) -> str:
    return credential.extra.get("username") or f"member{credential.key}"


def issue(credential: Credential, now: datetime) -> Token:
    """A fresh token for the member, issued ``now`` (tenant clock, whole seconds)."""
    issued = grant(login_of(credential), now.replace(microsecond=0), TOKEN_LIFETIME)
    claims = {
        "sub": issued.subject,
        "role": ROLE,
        "iss": ISSUER,
        "iat": issued.issued_at,
        "exp": issued.expires_at,
    }
    return Token(jwt.encode(claims, _signing_key(credential), algorithm="HS256"), issued)


def _signing_key(credential: Credential) -> bytes:
    """32 bytes from the sKey, whatever its length (HS256 wants at least 32)."""
    return hashlib.sha256(f"psp-sandbox:paymentz:{credential.secret}".encode()).digest()


# --- who is calling -------------------------------------------------------------------------


async def authenticate(plugin: PaymentzPlugin, request: web.Request) -> Principal:
    """The member a request acts for: by sKey on /authToken, by its token everywhere else."""
    if request.match_info.route.name == "auth_token":
        credential = await _by_secure_key(plugin, await _token_request(request))
        return Principal(plugin.tenant_for(request, credential), credential)
    token = _token_of(request)
    member_id = _member_of(await body(request))
    member = await plugin.context.credentials.lookup(PROVIDER, member_id)
    if member is None:
        raise refused(mapping.TOKEN_INVALID)
    tenant = plugin.tenant_for(request, member)
    await plugin.context.clocks.ensure(tenant)
    check_token(token, member, plugin.context.clocks.now(tenant))
    return Principal(tenant, member)


def check_token(token: str, credential: Credential, now: datetime) -> Grant:
    """The token's grant, if it is this member's and still good (raises the 401 otherwise)."""
    try:
        claims = jwt.decode(
            token,
            _signing_key(credential),
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"verify_exp": False, "verify_iat": False, "require": _CLAIMS},
        )
    except jwt.InvalidTokenError:
        raise refused(mapping.TOKEN_INVALID) from None
    if claims["sub"] != login_of(credential) or claims["role"] != ROLE:
        raise refused(mapping.TOKEN_INVALID)
    try:
        issued = Grant(claims["sub"], _moment(claims["iat"]), _moment(claims["exp"]))
        check_grant(issued, now)
    except GrantExpired:
        raise refused(mapping.TOKEN_EXPIRED) from None
    except (TypeError, ValueError, OverflowError):
        raise refused(mapping.TOKEN_INVALID) from None
    return issued


def _moment(claim: Any) -> datetime:
    if not isinstance(claim, int | float) or isinstance(claim, bool):
        raise TypeError("a NumericDate is a number")
    return datetime.fromtimestamp(claim, UTC)


def _token_of(request: web.Request) -> str:
    value = request.headers.get(HEADER, "").strip()
    if not value:
        alternate = _BEARER.match(request.headers.get(ALTERNATE_HEADER, ""))
        value = alternate.group(1) if alternate else ""
    if not value:
        raise refused(mapping.TOKEN_MISSING)
    return value


def _member_of(fields: dict[str, Any]) -> str:
    authentication = fields.get("authentication")
    member_id = authentication.get("memberId") if isinstance(authentication, dict) else None
    if member_id is None or member_id == "":
        raise refused(mapping.MISSING_PARAMETER, "authentication.memberId")
    if not isinstance(member_id, str | int) or not re.fullmatch(r"[0-9]{1,10}", str(member_id)):
        raise refused(mapping.INVALID_PARAMETER, "authentication.memberId")
    return str(member_id)


# --- POST /authToken ------------------------------------------------------------------------


async def _token_request(request: web.Request) -> TokenRequest:
    try:
        asked = TokenRequest.model_validate(await body(request))
    except ValidationError as error:
        raise invalid(error) from None
    auth = asked.authentication
    if auth.memberId is None and (auth.partnerId is None or asked.merchant is None):
        raise refused(mapping.MISSING_PARAMETER, "authentication.memberId")
    return asked


async def _by_secure_key(plugin: PaymentzPlugin, asked: TokenRequest) -> Credential:
    credentials = plugin.context.credentials
    auth = asked.authentication
    if auth.memberId is not None:
        member_id = auth.memberId
        extra = {"username": f"member{member_id}"}
    else:
        assert auth.partnerId is not None and asked.merchant is not None
        username = asked.merchant.username
        member_id = _configured_member(plugin, auth.partnerId, username) or _member_number(
            auth.partnerId, username
        )
        extra = {"partnerId": auth.partnerId, "username": username}
    credential = await credentials.lookup(PROVIDER, member_id)
    if credential is None:
        if credentials.mode == "strict":
            raise refused(mapping.BAD_CREDENTIALS)
        provisioned = Credential(PROVIDER, member_id, auth.sKey, f"paymentz-{member_id}", extra)
        return await credentials.provision(provisioned)
    if not hmac.compare_digest((credential.secret or "").encode(), auth.sKey.encode()):
        raise refused(mapping.BAD_CREDENTIALS)
    named = extra.get("partnerId")
    if named is not None and (
        credential.extra.get("partnerId") != named
        or credential.extra.get("username") != extra["username"]
    ):
        raise refused(mapping.BAD_CREDENTIALS)
    return credential


def _configured_member(plugin: PaymentzPlugin, partner_id: str, username: str) -> str | None:
    for credential in plugin.context.credentials.configured(PROVIDER):
        extra = credential.extra
        if extra.get("partnerId") == partner_id and extra.get("username") == username:
            return credential.key
    return None


def _member_number(partner_id: str, username: str) -> str:
    """The member id an unconfigured partner login gets in open mode: the same on every run
    and in every process (eight digits named by partner and login)."""
    digest = hashlib.sha256(f"{partner_id}:{username}".encode()).digest()
    return str(10_000_000 + int.from_bytes(digest[:8], "big") % 90_000_000)


def merchant_headers(credential: Credential, request: MerchantRequest) -> dict[str, str]:
    """A token as ``POST /authToken`` would answer it now (tenant clock): tokens are made from
    the member's sKey, so a merchant holding it needs no round trip here."""
    return {HEADER: issue(credential, request.now).value}
