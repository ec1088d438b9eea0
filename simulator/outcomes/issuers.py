"""Issuer facts a card's BIN stands for: the issuing country, the card's function and product.

Sandbox-defined and stable: the same BIN always names the same country, across runs and seeds
(a test may rely on it). The well-known test BINs (4111 11, 4242 42, 4000 00, 5555 55, 5454 54)
are United States cards; any other BIN is spread over a fixed set of countries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str
    #: The name as gateways write it in answers ("Argentina"; the United States as "USA").
    name: str


_COUNTRIES = (
    Country("US", "USA", "USA"),
    Country("DE", "DEU", "Germany"),
    Country("GB", "GBR", "United Kingdom"),
    Country("ES", "ESP", "Spain"),
    Country("FR", "FRA", "France"),
    Country("IT", "ITA", "Italy"),
    Country("NL", "NLD", "Netherlands"),
    Country("PL", "POL", "Poland"),
    Country("UA", "UKR", "Ukraine"),
    Country("AR", "ARG", "Argentina"),
    Country("BR", "BRA", "Brazil"),
    Country("MX", "MEX", "Mexico"),
    Country("IN", "IND", "India"),
    Country("CA", "CAN", "Canada"),
)
_TEST_BINS = frozenset({"411111", "424242", "400000", "555555", "545454"})


@dataclass(frozen=True, slots=True)
class Issuer:
    country: Country
    #: CREDIT or DEBIT.
    function: str
    #: The scheme's product name (``VISA CLASSIC``, ``MASTERCARD STANDARD`` ...).
    product: str
    commercial: bool


@lru_cache(maxsize=4096)
def issuer_of(bin_: str, brand: str) -> Issuer:
    """The issuer facts of a BIN (six digits) of a card of ``brand``."""
    digest = hashlib.blake2b(bin_.encode(), digest_size=8).digest()
    country = _COUNTRIES[0] if bin_ in _TEST_BINS else _COUNTRIES[digest[0] % len(_COUNTRIES)]
    function = "DEBIT" if digest[1] % 3 == 0 else "CREDIT"
    commercial = digest[2] % 7 == 0
    tier = "BUSINESS" if commercial else ("CLASSIC", "GOLD", "PLATINUM")[digest[3] % 3]
    name = {"MASTERCARD": "MASTERCARD", "VISA": "VISA"}.get(brand, brand)
    product = f"{name} {'STANDARD' if name == 'MASTERCARD' and tier == 'CLASSIC' else tier}"
    return Issuer(country, function, product, commercial)
