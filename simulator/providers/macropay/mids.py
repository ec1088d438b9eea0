"""The merchant's MIDs as configured: which currencies and card brands a payment may use.

Revup routes each payment to a MID configured in its back office; with none for the payment's
parameters it answers ``0907 Configuration Error - MID Required``. The sandbox reads the MIDs
from the credential's configuration (``extra`` in the TOML ``[[credentials.macropay]]``):
``mid_currencies = "EUR,USD"`` and ``mid_brands = "VISA,MASTERCARD"``. Left out, every currency
(or brand) has a MID — the default sandbox credentials have MIDs for everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import mapping
from .cards import refused


@dataclass(frozen=True, slots=True)
class Mids:
    currencies: frozenset[str] | None = None
    brands: frozenset[str] | None = None

    @classmethod
    def of(cls, extra: Mapping[str, str]) -> Mids:
        return cls(_listed(extra.get("mid_currencies")), _listed(extra.get("mid_brands")))

    def check(self, currency: str, brand: str | None = None) -> None:
        """Refuse (0907) a payment no configured MID takes."""
        if self.currencies is not None and currency.upper() not in self.currencies:
            raise refused(mapping.MID_REQUIRED)
        if brand is not None and self.brands is not None and brand.upper() not in self.brands:
            raise refused(mapping.MID_REQUIRED)


def _listed(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(part.strip().upper() for part in value.split(",") if part.strip())
