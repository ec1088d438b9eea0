"""What the sandbox keeps of a card: BIN, last four, brand, expiry and the outcome it calls for.

The full number is read once, here, and never stored or logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from ..engine import Outcome, Reason, declined
from .magic import MagicCard, card_outcome, luhn_valid

_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("AMEX", ((34, 34), (37, 37))),
    ("DINERS", ((300, 305), (36, 36), (38, 39))),
    ("DISCOVER", ((6011, 6011), (644, 649), (65, 65))),
    ("JCB", ((3528, 3589),)),
    ("MAESTRO", ((50, 50), (56, 58), (6304, 6304), (6759, 6759), (676770, 676774))),
    ("MASTERCARD", ((51, 55), (2221, 2720))),
    ("VISA", ((4, 4),)),
)


@lru_cache(maxsize=4096)
def brand_of(number: str) -> str:
    """The card scheme of a number (or of its BIN: six digits are enough)."""
    for brand, ranges in _BRANDS:
        for low, high in ranges:
            prefix = int(number[: len(str(low))] or 0)
            if low <= prefix <= high:
                return brand
    return "UNKNOWN"


@dataclass(frozen=True, slots=True)
class CardFacts:
    bin: str
    last4: str
    length: int
    brand: str
    expiry_month: int | None
    expiry_year: int | None  # four digits
    outcome: Outcome

    @property
    def masked(self) -> str:
        """``424242******4242``."""
        return f"{self.bin}{'*' * (self.length - 10)}{self.last4}"

    def kept(self) -> dict[str, Any]:
        """What may be kept of the card, for stored details (the outcome aside)."""
        return {
            "bin": self.bin,
            "last4": self.last4,
            "length": self.length,
            "brand": self.brand,
            "expiry_month": self.expiry_month,
            "expiry_year": self.expiry_year,
        }

    def expired(self, today: date) -> bool:
        if self.expiry_month is None or self.expiry_year is None:
            return False
        return (self.expiry_year, self.expiry_month) < (today.year, today.month)


class InvalidCardNumber(ValueError):
    """Not a card number (wrong length, not digits, or the Luhn check fails)."""


def read_card(
    number: str,
    expiry_month: int | None,
    expiry_year: int | None,
    today: date,
    provider_cards: Mapping[str, MagicCard] | None = None,
) -> CardFacts:
    """Keep what may be kept of a card and decide the outcome it calls for.

    Magic cards behave as their table says; an expiry in the past is an expired-card decline.
    """
    digits = number.replace(" ", "")
    if not luhn_valid(digits):
        raise InvalidCardNumber("card number fails validation")
    year = (
        None if expiry_year is None else (2000 + expiry_year if expiry_year < 100 else expiry_year)
    )
    facts = CardFacts(
        bin=digits[:6],
        last4=digits[-4:],
        length=len(digits),
        brand=brand_of(digits[:6]),
        expiry_month=expiry_month,
        expiry_year=year,
        outcome=card_outcome(digits, provider_cards),
    )
    if facts.expired(today):
        return _with_outcome(facts, declined(Reason.EXPIRED_CARD))
    return facts


def _with_outcome(facts: CardFacts, outcome: Outcome) -> CardFacts:
    return CardFacts(
        facts.bin,
        facts.last4,
        facts.length,
        facts.brand,
        facts.expiry_month,
        facts.expiry_year,
        outcome,
    )
