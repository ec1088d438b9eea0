"""The card of a Paymentz request: checked, reduced to what may be kept, and its outcome.

The number must be 12 to 19 digits passing the Luhn check (``11005 Invalid card number``);
``paymentBrand``, when it names a card scheme, must be the number's. A card past its expiry
month on the tenant clock is declined as expired (``N``, remark "Expired card"), not refused.
What is kept: BIN, last four, brand, expiry, holder — and the outcome the number calls for, so
a payout or a repeated charge to the same card behaves as the card would.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from ...engine import APPROVED, Payment, Result
from ...outcomes.card import CardFacts, InvalidCardNumber, read_card
from ...outcomes.codec import outcome_from_json, outcome_to_json
from . import mapping
from .magic import CARDS
from .models import Card
from .refusals import refused

#: ``paymentMode`` values the sandbox simulates: credit and debit cards.
CARD_MODES = frozenset({"CC", "DC"})


def check(card: Card | None, brand: str | None, mode: str | None, today: date) -> CardFacts:
    """The card's facts and outcome, or the refusal a bad card gets."""
    if mode is not None and mode.upper() not in CARD_MODES:
        raise refused(mapping.UNSUPPORTED_PAYMENT_MODE)
    if card is None:
        raise refused(mapping.MISSING_PARAMETER, "card.number")
    number = card.number.replace(" ", "")
    try:
        facts = read_card(number, int(card.expiryMonth), int(card.expiryYear), today, CARDS)
    except InvalidCardNumber:
        raise refused(mapping.INVALID_CARD_NUMBER) from None
    named = (brand or "").upper()
    scheme = mapping.BRAND.get(facts.brand)
    if named in mapping.BRAND.values() and scheme is not None and named != scheme:
        raise refused(mapping.INVALID_PARAMETER, "paymentBrand")
    return facts


def brand_name(facts: CardFacts, named: str | None) -> str:
    """``paymentBrand`` as answered: what was sent, else the number's scheme."""
    return (named or mapping.BRAND.get(facts.brand) or facts.brand).upper()


def kept(facts: CardFacts, holder: str | None) -> dict[str, Any]:
    """What a payment keeps of its card (never the number)."""
    return {
        "bin": facts.bin,
        "last4Digits": facts.last4,
        "length": facts.length,
        "brand": facts.brand,
        "holder": holder or "",
        "expiryMonth": f"{facts.expiry_month:02d}" if facts.expiry_month else "",
        "expiryYear": str(facts.expiry_year or ""),
        "outcome": outcome_to_json(facts.outcome),
    }


def facts_of(card: dict[str, Any]) -> CardFacts:
    """The facts of a kept card, for a charge or payout without the cardholder."""
    return unattended(
        CardFacts(
            card["bin"],
            card["last4Digits"],
            int(card["length"]),
            card["brand"],
            int(card["expiryMonth"]) if card["expiryMonth"] else None,
            int(card["expiryYear"]) if card["expiryYear"] else None,
            outcome_from_json(card["outcome"]),
        )
    )


def unattended(facts: CardFacts) -> CardFacts:
    """The card with no cardholder present (payouts, repeated charges): no challenge, the
    issuer answers as it would after one."""
    if facts.outcome.result is not Result.CHALLENGE:
        return facts
    return replace(facts, outcome=APPROVED)


def of_payment(payment: Payment) -> dict[str, Any] | None:
    """The card a transaction keeps (on its own operation), if it has had one yet."""
    primary = payment.primary
    card = primary.details.get("card") if primary is not None else None
    return dict(card) if card else None


def shown(card: dict[str, Any]) -> dict[str, str]:
    """The answer's ``card`` object."""
    return {
        "bin": card["bin"],
        "last4Digits": card["last4Digits"],
        "holder": card["holder"],
        "expiryMonth": card["expiryMonth"],
        "expiryYear": card["expiryYear"],
    }
