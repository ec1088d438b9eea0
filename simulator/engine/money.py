"""Money as integer minor units, with the ISO 4217 exponent of each currency."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from iso4217 import Currency

#: ISO's own test code has no minor unit in the standard; the sandbox gives it two, so that
#: ``XTS`` amounts read like most currencies'.
_SANDBOX_ONLY: Mapping[str, int] = {"XTS": 2}

#: Minor-unit exponents of the ISO 4217 currencies (list one, as the ``iso4217`` package
#: ships it). Codes without a minor unit (precious metals, SDR ...) are not money here.
EXPONENTS: Mapping[str, int] = {
    **{c.code: c.exponent for c in Currency if c.exponent is not None},
    **_SANDBOX_ONLY,
}

#: ISO 4217 numeric codes ("978") of those currencies, for providers that accept them.
NUMERIC_CODES: Mapping[str, str] = {
    f"{c.number:03d}": c.code for c in Currency if c.code in EXPONENTS
}


class UnknownCurrency(ValueError):
    """The code is not an ISO 4217 currency the sandbox knows."""


class InvalidAmount(ValueError):
    """The amount is negative, not a number, or finer than the currency's minor unit."""


def is_currency(code: str) -> bool:
    return code in EXPONENTS


def exponent(currency: str) -> int:
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(currency) from None


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert a major-unit amount (``12.5`` EUR) into minor units (``1250``), exactly."""
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise InvalidAmount(str(amount)) from None
    if not value.is_finite() or value < 0:
        raise InvalidAmount(str(amount))
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Convert minor units back to a major-unit Decimal with the currency's exponent."""
    return Decimal(minor).scaleb(-exponent(currency))


def decimals(amount: Decimal) -> int:
    """How many significant decimal places ``amount`` carries (``50.50`` → 1, ``250`` → 0)."""
    normalized = amount.normalize()
    exp = normalized.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0
