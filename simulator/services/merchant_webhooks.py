"""Webhook URLs registered per merchant, as in a provider's dashboard: configured ones (every
tenant) and those set through the admin API (kept in the store, per tenant)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..store import Store

#: Stands for every merchant of a provider.
ANY_MERCHANT = "*"
_KIND = "merchant-webhook"


@dataclass(frozen=True, slots=True)
class MerchantWebhook:
    provider: str
    merchant: str
    url: str
    #: The tenant it was registered for; None: configured, for every tenant.
    tenant: str | None = None


class MerchantWebhooks:
    def __init__(self, store: Store, configured: Iterable[MerchantWebhook] = ()) -> None:
        self._store = store
        self._configured = {(w.provider, w.merchant): w for w in configured}

    async def url_for(self, tenant: str, provider: str, merchant: str) -> str | None:
        """Where a merchant's webhooks go: the tenant's own registration for that merchant
        (or for every merchant) wins over the configured ones."""
        async with self._store.begin() as uow:
            for name in (merchant, ANY_MERCHANT):
                doc = await uow.get_document(_KIND, tenant, _key(provider, name))
                if doc is not None:
                    return str(doc["url"])
        for name in (merchant, ANY_MERCHANT):
            configured = self._configured.get((provider, name))
            if configured is not None:
                return configured.url
        return None

    async def register(
        self, tenant: str, provider: str, merchant: str, url: str
    ) -> MerchantWebhook:
        doc = {"provider": provider, "merchant": merchant, "url": url, "tenant": tenant}
        async with self._store.begin() as uow:
            uow.put_document(_KIND, tenant, _key(provider, merchant), doc)
            await uow.commit()
        return MerchantWebhook(provider, merchant, url, tenant)

    async def remove(self, tenant: str, provider: str, merchant: str) -> bool:
        async with self._store.begin() as uow:
            found = await uow.get_document(_KIND, tenant, _key(provider, merchant)) is not None
            if found:
                uow.delete_document(_KIND, tenant, _key(provider, merchant))
                await uow.commit()
        return found

    async def listed(self, tenant: str | None, provider: str | None) -> list[MerchantWebhook]:
        """The registered ones (of one tenant, or all), then the configured ones."""
        # A registration imported into another tenant (a case) names its first tenant inside.
        stored = [
            MerchantWebhook(doc["provider"], doc["merchant"], doc["url"], tenant or doc["tenant"])
            for doc in await self._store.list_documents(_KIND, tenant)
        ]
        found = [*stored, *self._configured.values()]
        return [w for w in found if provider in (None, w.provider)]


def _key(provider: str, merchant: str) -> str:
    return f"{provider}:{merchant}"
