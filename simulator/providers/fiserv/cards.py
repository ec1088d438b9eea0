"""The card of a Fiserv payment: its number (read once) or a payment token, what the sandbox
keeps of it (BIN, last four, brand, expiry, outcome, 3-D Secure profile) and the tokens made
from it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ...engine import Reason, failed
from ...outcomes.card import CardFacts, InvalidCardNumber, brand_of, read_card
from ...outcomes.codec import outcome_from_json, outcome_to_json
from ...services.payments import Scope
from ...services.tokens import CardTokens, StoredCard
from .magic import CARDS, CHALLENGE_ASKED, CHALLENGE_INDICATORS, DEFAULT, PROFILES, profile_of
from .models import Expiration, PaymentCard


@dataclass(frozen=True, slots=True)
class Card:
    facts: CardFacts
    #: The card's 3-D Secure profile name (magic.PROFILES).
    profile: str
    cvv_given: bool
    #: The token the payment used (token payments only).
    token: StoredCard | None = None

    def with_indicator(self, challenge_indicator: str | None) -> str:
        """The profile once the merchant's challenge preference is applied: a card without
        a documented profile is challenged when the merchant asks for it."""
        if self.profile == DEFAULT.name and challenge_indicator in CHALLENGE_INDICATORS:
            return CHALLENGE_ASKED.name
        return self.profile


def expiry(expiration: Expiration | None) -> tuple[int | None, int | None]:
    if expiration is None:
        return None, None
    year = int(expiration.year)
    return int(expiration.month), (2000 + year if year < 100 else year)


def read(card: PaymentCard, today: date) -> Card:
    """Keep what may be kept of a card. A number failing Luhn is the gateway's 2303 and an
    expiry in the past its 2304: both are recorded as failed transactions."""
    month, year = expiry(card.expiryDate)
    try:
        facts = read_card(card.number, month, year, today, CARDS)
    except InvalidCardNumber:
        digits = card.number
        facts = CardFacts(
            digits[:6],
            digits[-4:],
            len(digits),
            brand_of(digits),
            month,
            year,
            failed(Reason.INVALID_CARD_NUMBER),
        )
    else:
        if facts.expired(today):
            facts = replace(facts, outcome=failed(Reason.EXPIRED_CARD))
    return Card(facts, profile_of(card.number).name, card.securityCode is not None)


def read_form(number: str, month: int, year: int, cvv: str, today: date) -> Card:
    """The card a cardholder typed on the hosted payment page (gateway rules as for ``read``)."""
    digits = number.replace(" ", "")
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        raise InvalidCardNumber("a card number has 13 to 19 digits")
    expiration = Expiration(month=f"{month:02d}", year=f"{year % 100:02d}")
    card = PaymentCard(number=digits, expiryDate=expiration, securityCode=cvv or None)
    return read(card, today)


def of_token(stored: StoredCard) -> Card:
    profile = stored.extra.get("profile")
    name = profile if isinstance(profile, str) and profile in PROFILES else DEFAULT.name
    return Card(stored.facts, name, cvv_given=False, token=stored)


def stored_facts(card: Card) -> dict[str, Any]:
    """What an order keeps of its card (never the number)."""
    f = card.facts
    return {
        "bin": f.bin,
        "last4": f.last4,
        "length": f.length,
        "brand": f.brand,
        "month": f.expiry_month,
        "year": f.expiry_year,
        "outcome": outcome_to_json(f.outcome),
        "profile": card.profile,
    }


def facts_of_order(kept: dict[str, Any]) -> CardFacts:
    return CardFacts(
        kept["bin"],
        kept["last4"],
        int(kept["length"]),
        kept["brand"],
        kept.get("month"),
        kept.get("year"),
        outcome_from_json(kept["outcome"]),
    )


def same_card(kept: dict[str, Any] | None, card: Card) -> bool:
    if not kept:
        return False
    f = card.facts
    return (kept["bin"], kept["last4"]) == (f.bin, f.last4)


async def issue(
    tokens: CardTokens,
    scope: Scope,
    value: str,
    facts: CardFacts,
    profile: str,
    *,
    reusable: bool,
    decline_duplicates: bool,
) -> StoredCard:
    extra = {"reusable": reusable, "decline_duplicates": decline_duplicates, "profile": profile}
    return await tokens.issue(scope, value, facts, extra)
