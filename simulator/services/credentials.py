"""Credentials: the configured ones, and (in ``open`` mode) those provisioned on first use.

Provisioned credentials live in the store only (any process may have provisioned one, and a
reset in any process forgets them), so a lookup of one reads the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..store import Store, UnitOfWork

AuthMode = Literal["open", "strict"]

_KIND = "credential"
_GLOBAL = ""  # credentials are looked up before the tenant is known


@dataclass(frozen=True, slots=True)
class Credential:
    provider: str
    #: What the provider's requests identify themselves with (API key, POS id, member id ...).
    key: str
    #: What signs or proves them (API secret ...); None if the provider has none.
    secret: str | None
    #: The tenant this credential's requests belong to unless X-Sandbox-Tenant says otherwise.
    tenant: str
    #: Other provider-specific parts (POS id, endpoints key, store id ...).
    extra: Mapping[str, str] = field(default_factory=dict)
    configured: bool = False


class Credentials:
    """``configured``: the credentials of the settings. ``defaults``: each provider's
    documented test credentials, by provider, read when that provider's are first needed (a
    provider's code is imported on first use); a configured credential with the same key wins.
    """

    def __init__(
        self,
        store: Store,
        configured: Iterable[Credential],
        mode: AuthMode,
        defaults: Mapping[str, Iterable[Credential]] | None = None,
    ) -> None:
        self._store = store
        self.mode = mode
        self._configured = {(c.provider, c.key): c for c in configured}
        self._defaults = defaults or {}
        self._with_defaults: set[str] = set()

    def _of(self, provider: str) -> dict[tuple[str, str], Credential]:
        """The configured credentials, ``provider``'s defaults among them."""
        if provider not in self._with_defaults:
            for default in self._defaults.get(provider, ()):
                self._configured.setdefault((default.provider, default.key), default)
            self._with_defaults.add(provider)
        return self._configured

    def _all(self) -> dict[tuple[str, str], Credential]:
        for provider in self._defaults:
            self._of(provider)
        return self._configured

    async def lookup(self, provider: str, key: str) -> Credential | None:
        found = self._of(provider).get((provider, key))
        if found is not None or self.mode == "strict":
            return found
        async with self._store.begin() as uow:
            doc = await uow.get_document(_KIND, _GLOBAL, f"{provider}:{key}")
        if doc is None:
            return None
        return Credential(provider, key, doc["secret"], doc["tenant"], doc.get("extra", {}), False)

    async def provision(self, credential: Credential) -> Credential:
        """Remember a credential seen for the first time (open mode only)."""
        if self.mode != "open":
            raise PermissionError("strict mode accepts configured credentials only")
        doc = {"secret": credential.secret, "tenant": credential.tenant, "extra": credential.extra}
        async with self._store.begin() as uow:
            uow.put_document(_KIND, _GLOBAL, f"{credential.provider}:{credential.key}", doc)
            await uow.commit()
        return credential

    def remember(self, uow: UnitOfWork, credential: Credential) -> None:
        """Stage a provisioned credential in ``uow`` (an imported case brings it along)."""
        doc = {"secret": credential.secret, "tenant": credential.tenant, "extra": credential.extra}
        uow.put_document(_KIND, _GLOBAL, f"{credential.provider}:{credential.key}", doc)

    def configured(self, provider: str) -> list[Credential]:
        return [c for c in self._of(provider).values() if c.provider == provider]

    async def of_tenant(self, tenant: str) -> list[Credential]:
        """Every credential whose requests land in ``tenant``: configured, then provisioned."""
        configured = self._all()
        found = [c for c in configured.values() if c.tenant == tenant]
        for kind, name, doc in await self._store.documents_of(_GLOBAL):
            provider, _, key = name.partition(":")
            if kind == _KIND and doc["tenant"] == tenant and (provider, key) not in configured:
                found.append(Credential(provider, key, doc["secret"], tenant, doc.get("extra", {})))
        return found
