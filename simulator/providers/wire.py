"""Wire field types several providers share: ISO 4217 currency codes, and amounts sent as JSON
numbers in major units (``123.34``)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StrictStr

from ..engine.money import EXPONENTS, decimals, exponent, is_currency

#: The largest amount the sandbox accepts where a provider documents none.
MAX_AMOUNT = Decimal("999999999.99")


def iso_currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("must be an ISO 4217 currency code such as EUR")
    return value


def _json_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON number in major units, such as 123.34")
    return value


def _positive_amount(value: int | float) -> int | float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if not Decimal(0) < Decimal(str(value)) <= MAX_AMOUNT:
        raise ValueError(f"must be greater than 0 and at most {MAX_AMOUNT}")
    return value


def check_decimals(amount: int | float, currency: str) -> None:
    """An amount may not be finer than its currency's minor unit (ValueError)."""
    if decimals(Decimal(str(amount))) > exponent(currency):
        raise ValueError(f"amount has more decimals than {currency} allows")


#: A JSON number in major units (never a string, a boolean, NaN or Infinity), above 0.
AmountNumber = Annotated[
    int | float,
    BeforeValidator(_json_number),
    AfterValidator(_positive_amount),
    Field(
        json_schema_extra={"type": "number", "exclusiveMinimum": 0, "maximum": float(MAX_AMOUNT)}
    ),
]
#: An ISO 4217 alpha code the sandbox knows (capitals).
Currency = Annotated[
    StrictStr,
    AfterValidator(iso_currency),
    Field(json_schema_extra={"enum": sorted(EXPONENTS)}),
]
