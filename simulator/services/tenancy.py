"""Which tenant a request acts in: the one rule every provider's authentication follows.

A credential's requests belong to its own tenant. ``X-Sandbox-Tenant`` may choose another:

- open mode (one trusted user): any tenant, as named — per-test tenants with shared test
  credentials;
- strict mode (a shared sandbox): only a *sub-tenant* of the credential's own, ``own/name``, so
  that no header reaches data created under other credentials. ``own`` and ``own/…`` pass as
  they are; a ``/`` pointing anywhere else is refused.

Tenant names are ``NAME`` or ``NAME/NAME``; a configured or first-seen credential's own tenant is
a single ``NAME`` (no ``/``), so a sub-tenant can only ever belong to one credential.
"""

from __future__ import annotations

import hashlib
import re

from .credentials import AuthMode

#: One segment of a tenant name.
NAME = r"[A-Za-z0-9._:@-]{1,64}"
#: A tenant: a credential's own (``team-a``) or a sub-tenant of it (``team-a/worker-3``).
TENANT_PATTERN = rf"^{NAME}(?:/{NAME})?$"
_TENANT = re.compile(TENANT_PATTERN)
_OWN = re.compile(rf"^{NAME}$")


class TenantRefused(ValueError):
    """The chosen tenant is malformed (400) or outside the credential's reach (403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_tenant(name: str) -> bool:
    return _TENANT.match(name) is not None


def own_tenant(provider: str, key: str) -> str:
    """The tenant of a credential's key: the key itself when it is a plain name, otherwise a
    digest of it (keys may hold any characters, and ``/`` belongs to sub-tenants)."""
    if _OWN.match(key):
        return key
    return f"{provider}-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def chosen_tenant(mode: AuthMode, own: str, chosen: str | None) -> str:
    """The tenant a request acts in, given its credential's ``own`` tenant and the
    ``X-Sandbox-Tenant`` header's value (None or empty: none was sent)."""
    if not chosen:
        return own
    if not _TENANT.match(chosen):
        raise TenantRefused(400, f"X-Sandbox-Tenant must match {TENANT_PATTERN}")
    if mode == "open" or chosen == own or chosen.startswith(own + "/"):
        return chosen
    if "/" in chosen:
        raise TenantRefused(403, "X-Sandbox-Tenant names a tenant of other credentials")
    return f"{own}/{chosen}"
