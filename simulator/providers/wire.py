"""Wire field types several providers share: ISO 4217 currency codes, and amounts sent as JSON
numbers in major units (``123.34``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    StrictStr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from ..engine.money import EXPONENTS, decimals, exponent, is_currency
from .amounts import MajorUnits

#: The largest amount the sandbox accepts where a provider documents none.
MAX_AMOUNT = Decimal("999999999.99")


def iso_currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("must be an ISO 4217 currency code such as EUR")
    return value


def check_decimals(amount: Decimal, currency: str) -> None:
    """An amount may not be finer than its currency's minor unit (ValueError)."""
    if decimals(amount) > exponent(currency):
        raise ValueError(f"amount has more decimals than {currency} allows")


_OUT_OF_RANGE = f"must be greater than 0 and at most {MAX_AMOUNT}"
#: What an amount's problem is called on these providers' wire, by pydantic error type.
_WORDING = {
    "float_type": "must be a JSON number in major units, such as 123.34",
    "finite_number": "must be a finite number",
    "greater_than": _OUT_OF_RANGE,
    "less_than_equal": _OUT_OF_RANGE,
}


def _worded(value: Any, check: ValidatorFunctionWrapHandler) -> Any:
    try:
        return check(value)
    except ValidationError as invalid:
        kind = invalid.errors()[0]["type"]
        if kind in _WORDING:
            raise PydanticCustomError(kind, _WORDING[kind]) from None
        raise


#: A JSON number in major units (never a string, a boolean, NaN or Infinity), above 0, read
#: exactly as written (``amounts.MajorUnits``).
AmountNumber = Annotated[Decimal, MajorUnits(maximum=MAX_AMOUNT), WrapValidator(_worded)]
#: An ISO 4217 alpha code the sandbox knows (capitals).
Currency = Annotated[
    StrictStr,
    AfterValidator(iso_currency),
    Field(json_schema_extra={"enum": sorted(EXPONENTS)}),
]
