"""Money as integer minor units, with the ISO 4217 exponent of each currency."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING

#: ISO's own test code has no minor unit in the standard; the sandbox gives it two, so that
#: ``XTS`` amounts read like most currencies'.
_SANDBOX_ONLY: Mapping[str, int] = {"XTS": 2}

if TYPE_CHECKING:  # module attributes, read from the ISO 4217 table on first use (below)
    #: Minor-unit exponents of the ISO 4217 currencies (list one, as the ``iso4217`` package
    #: ships it). Codes without a minor unit (precious metals, SDR ...) are not money here.
    EXPONENTS: Mapping[str, int]
    #: ISO 4217 numeric codes ("978") of those currencies, for providers that accept them.
    NUMERIC_CODES: Mapping[str, str]


@cache
def _exponents() -> Mapping[str, int]:
    # Importing iso4217 parses its XML table into an enum of every currency (~30 ms): done
    # when money is first handled, not when the sandbox starts.
    from iso4217 import Currency

    return {
        **{c.code: c.exponent for c in Currency if c.exponent is not None},
        **_SANDBOX_ONLY,
    }


@cache
def _numeric_codes() -> Mapping[str, str]:
    from iso4217 import Currency

    return {f"{c.number:03d}": c.code for c in Currency if c.code in _exponents()}


def __getattr__(name: str) -> Mapping[str, int] | Mapping[str, str]:
    if name == "EXPONENTS":
        return _exponents()
    if name == "NUMERIC_CODES":
        return _numeric_codes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The largest amount in minor units the sandbox holds (a signed 64-bit integer, as stores keep).
MAX_MINOR = 2**63 - 1
#: Exact arithmetic on amounts that passed the checks (at most 19 digits before scaling).
_EXACT = Context(prec=64)


class UnknownCurrency(ValueError):
    """The code is not an ISO 4217 currency the sandbox knows."""


class InvalidAmount(ValueError):
    """The amount is negative, not a number, or finer than the currency's minor unit."""


def is_currency(code: str) -> bool:
    return code in _exponents()


def exponent(currency: str) -> int:
    try:
        return _exponents()[currency]
    except KeyError:
        raise UnknownCurrency(currency) from None


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Convert a major-unit amount (``12.5`` EUR) into minor units (``1250``), exactly. Any
    value is judged without rounding or overflow (``1e-999999999``, ``1e999999999``)."""
    try:
        value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise InvalidAmount(str(amount)) from None
    if not value.is_finite() or value < 0:
        raise InvalidAmount(str(amount))
    places = exponent(currency)
    if decimals(value) > places:
        raise InvalidAmount(f"{amount} has more decimals than {currency} allows")
    if value and value.adjusted() + places > len(str(MAX_MINOR)):
        raise InvalidAmount(f"{amount} is too large")
    minor = int(value.scaleb(places, _EXACT))
    if minor > MAX_MINOR:
        raise InvalidAmount(f"{amount} is too large")
    return minor


def to_decimal(minor: int, currency: str) -> Decimal:
    """Convert minor units back to a major-unit Decimal with the currency's exponent."""
    return Decimal(minor).scaleb(-exponent(currency))


def decimals(amount: Decimal) -> int:
    """How many significant decimal places ``amount`` carries (``50.50`` → 1, ``250`` → 0),
    counted from its digits: no rounding, whatever its exponent (``1e-999999999`` → 999999999)."""
    _sign, digits, exp = amount.as_tuple()
    if not isinstance(exp, int):
        raise InvalidAmount(str(amount))
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if zeros == len(digits):
        return 0
    return max(0, -(exp + zeros))
