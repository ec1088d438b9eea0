"""Money as integer minor units, with the ISO 4217 exponent of each currency."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal, InvalidOperation

#: Minor-unit exponents of ISO 4217 currencies (list 1, 2024), plus the test code ``XTS``.
#: Currencies absent here with exponent 2 are listed in ``_TWO_DECIMALS``.
_NON_DEFAULT: Mapping[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLF": 4,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "UYW": 4,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}

_TWO_DECIMALS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
    "VES WST XCD XTS YER ZAR ZMW ZWG"
).split()

EXPONENTS: Mapping[str, int] = {**dict.fromkeys(_TWO_DECIMALS, 2), **_NON_DEFAULT}

#: ISO 4217 numeric codes of the most used currencies, for providers that accept them.
NUMERIC_CODES: Mapping[str, str] = {
    "978": "EUR",
    "840": "USD",
    "826": "GBP",
    "980": "UAH",
    "032": "ARS",
    "986": "BRL",
    "484": "MXN",
    "985": "PLN",
    "203": "CZK",
    "348": "HUF",
    "946": "RON",
    "752": "SEK",
    "578": "NOK",
    "208": "DKK",
    "756": "CHF",
    "392": "JPY",
    "124": "CAD",
    "036": "AUD",
    "356": "INR",
    "949": "TRY",
    "963": "XTS",
}


#: The largest amount in minor units the sandbox holds (a signed 64-bit integer, as stores keep).
MAX_MINOR = 2**63 - 1
#: Exact arithmetic on amounts that passed the checks (at most 19 digits before scaling).
_EXACT = Context(prec=64)


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
