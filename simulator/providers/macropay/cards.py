"""The card of a ``credit_card`` payment: decoded and checked in Revup's order of errors.

The real SDK sends the card as a ciphered blob; its format is not public. The sandbox reads the
card object itself, or that object as base64 JSON in place of the blob (docs/fidelity).
A blob that does not decode, or decodes to something else than the card object, is
``0300``; then number (``0303``), holder (``0306``), CVV (``0309``) and expiry (``0310``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import date

import orjson
from pydantic import ValidationError

from ...outcomes.card import CardFacts, InvalidCardNumber, read_card
from ...outcomes.magic import luhn_valid
from ..base import ApiError
from . import mapping
from .magic import CARDS, FALLBACK_CARD
from .models import CardData

_CVV = re.compile(r"^[0-9]{3,4}$")
_DIGITS = re.compile(r"^[0-9]{1,4}$")
_HOLDER_MAX = 100


@dataclass(frozen=True, slots=True)
class CheckedCard:
    facts: CardFacts
    holder: str
    #: The magic card whose first MID declines and whose fallback MID approves.
    fallback: bool = False


def refused(error: mapping.ErrorCode) -> ApiError:
    return ApiError(error.status, mapping.error_body(error))


def decode(data: CardData | str) -> CardData:
    """The card object, from the object itself or from base64 JSON of it."""
    if isinstance(data, CardData):
        return data
    try:
        raw = base64.b64decode(data.strip(), validate=True)
        return CardData.model_validate_json(raw)
    except (binascii.Error, ValueError, ValidationError):
        raise refused(mapping.INVALID_REQUEST) from None


def check(card: CardData, today: date) -> CheckedCard:
    """Validate the card as Revup does, and keep only what may be kept of it."""
    number = card.cardNumber
    if not luhn_valid(number):  # also "maybe with hyphens and / or spaces"
        raise refused(mapping.INVALID_CARD_NUMBER)
    holder = (card.cardHolderName or "").strip()
    if not holder or len(holder) > _HOLDER_MAX:
        raise refused(mapping.INVALID_HOLDER)
    if not _CVV.match(card.cvv):
        raise refused(mapping.INVALID_CVV)
    month, year = _expiry(card.expiryMonth, card.expiryYear)
    if month is None or year is None or (year, month) < (today.year, today.month):
        raise refused(mapping.INVALID_EXPIRY)
    try:
        facts = read_card(number, month, year, today, CARDS)
    except InvalidCardNumber:
        raise refused(mapping.INVALID_CARD_NUMBER) from None
    return CheckedCard(facts, holder, number == FALLBACK_CARD)


def _expiry(month: int | str, year: int | str) -> tuple[int | None, int | None]:
    m = _number(month)
    y = _number(year)
    if m is None or not 1 <= m <= 12:
        return None, None
    if y is None:
        return None, None
    if y < 100:
        y += 2000
    elif y < 2000:
        return None, None
    return m, y


def _number(value: int | str) -> int | None:
    if isinstance(value, int):
        return value if value >= 0 else None
    return int(value) if _DIGITS.match(value) else None


def encode(card: CardData) -> str:
    """The base64 form of a card object (what tests and docs send as ``data``)."""
    return base64.b64encode(orjson.dumps(card.model_dump())).decode()
