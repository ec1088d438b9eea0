"""Stored cards behind tokens: issued after a payment, used for later (merchant-initiated) ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..engine import Outcome
from ..outcomes.card import CardFacts
from ..outcomes.codec import outcome_from_json, outcome_to_json
from ..store import Store
from .payments import Scope


@dataclass(frozen=True, slots=True)
class StoredCard:
    token: str
    bin: str
    last4: str
    length: int
    brand: str
    expiry_month: int | None
    expiry_year: int | None
    #: The outcome the original card called for (magic cards keep behaving as they did).
    outcome: Outcome
    active: bool = True
    #: Provider-owned data (holder name, the payment that created it, chain links ...).
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def facts(self) -> CardFacts:
        return CardFacts(
            self.bin,
            self.last4,
            self.length,
            self.brand,
            self.expiry_month,
            self.expiry_year,
            self.outcome,
        )


class CardTokens:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def issue(
        self, scope: Scope, token: str, card: CardFacts, extra: Mapping[str, Any] | None = None
    ) -> StoredCard:
        stored = StoredCard(
            token,
            card.bin,
            card.last4,
            card.length,
            card.brand,
            card.expiry_month,
            card.expiry_year,
            card.outcome,
            True,
            dict(extra or {}),
        )
        await self._put(scope, stored)
        return stored

    async def get(self, scope: Scope, token: str) -> StoredCard | None:
        async with self._store.begin() as uow:
            doc = await uow.get_document(_kind(scope), scope.tenant, token)
        if doc is None:
            return None
        return StoredCard(**{**doc, "outcome": outcome_from_json(doc["outcome"])})

    async def update(self, scope: Scope, card: StoredCard, **changes: Any) -> StoredCard:
        updated = replace(card, **changes)
        await self._put(scope, updated)
        return updated

    async def delete(self, scope: Scope, token: str) -> None:
        async with self._store.begin() as uow:
            uow.delete_document(_kind(scope), scope.tenant, token)
            await uow.commit()

    async def _put(self, scope: Scope, card: StoredCard) -> None:
        doc = {**asdict(card), "outcome": outcome_to_json(card.outcome)}
        async with self._store.begin() as uow:
            uow.put_document(_kind(scope), scope.tenant, card.token, doc)
            await uow.commit()


def _kind(scope: Scope) -> str:
    return f"token:{scope.provider}"
