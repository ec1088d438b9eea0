"""Money on the wire: the one pydantic type every provider's amount fields are declared with.

``Annotated[Decimal, MajorUnits(maximum=...)]`` reads an amount exactly — from the Decimal the
body parser kept (``bodies.py``), an integer, or, where the provider takes them, a numeric
string — and judges it without rounding: finite, within the provider's bounds, with no more
decimal places than any currency has. A bool, a string where the provider wants a number,
``"1e-999999999"`` or ``1.0000000000000001`` is refused with the provider's own validation
error: never rounded, never a 500. Whether the places fit the payment's currency is the
provider's call (``engine.money.to_minor``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticKnownError, core_schema

from ..engine.money import decimals

#: The most decimal places an ISO 4217 currency has (CLF, UYW).
MAX_PLACES = 4
#: A number as JSON writes one (``12``, ``12.04``, ``1.5e3``), for providers that take strings.
NUMBER = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$"
_NUMBER = re.compile(NUMBER)
#: Rounds an amount to its allowed places exactly (any amount within a provider's maximum
#: has far fewer digits); one too long for it raises rather than come out NaN.
_QUANTIZING = Context(prec=64, traps=[InvalidOperation])


@dataclass(frozen=True)
class MajorUnits:
    """An amount in major units: more than zero (or at least zero), at most ``maximum``, with
    at most ``places`` decimal places; JSON numbers, and numeric strings too when ``strings``.
    Dumped as a JSON number."""

    maximum: Decimal
    minimum: Literal["positive", "zero"] = "positive"
    strings: bool = False
    places: int = MAX_PLACES
    #: ``10 ** -places``: an amount with at most ``places`` decimals is a multiple of it.
    _quantum: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_quantum", Decimal(1).scaleb(-self.places))

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _number, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        number: dict[str, Any] = {
            "type": "number",
            "maximum": float(self.maximum),
            "multipleOf": float(Decimal(1).scaleb(-self.places)),
        }
        number["exclusiveMinimum" if self.minimum == "positive" else "minimum"] = 0
        if not self.strings:
            return number
        return {"anyOf": [number, {"type": "string", "pattern": NUMBER}]}

    def validate(self, value: Any) -> Decimal:
        """The exact amount, or pydantic's own error (its usual type and message)."""
        amount = self._exact(value)
        if not amount.is_finite():
            raise PydanticKnownError("finite_number")
        if self.minimum == "positive" and not amount > 0:
            raise PydanticKnownError("greater_than", {"gt": 0})
        if not amount >= 0:
            raise PydanticKnownError("greater_than_equal", {"ge": 0})
        if amount > self.maximum:
            raise PydanticKnownError("less_than_equal", {"le": self.maximum})
        if self._finer_than_places(amount):
            raise PydanticKnownError("decimal_max_places", {"decimal_places": self.places})
        return amount

    def _finer_than_places(self, amount: Decimal) -> bool:
        """``decimals(amount) > places``: whether rounding to the places changes the amount
        (~0.3 µs; counting its digits takes ~2.5), digit by digit only if it cannot be rounded."""
        try:
            return amount.quantize(self._quantum, context=_QUANTIZING) != amount
        except InvalidOperation:
            return decimals(amount) > self.places

    def _exact(self, value: Any) -> Decimal:
        if type(value) is Decimal:  # as the body parser keeps numbers (and immutable)
            return value
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, float):  # Python callers only: bodies arrive as Decimal
            return Decimal(repr(value))
        if isinstance(value, str) and self.strings:
            if not _NUMBER.match(value):
                raise PydanticKnownError("decimal_parsing")
            try:
                return Decimal(value)
            except InvalidOperation:  # an exponent past any Decimal's: "1e99999999999999999999"
                raise PydanticKnownError("decimal_parsing") from None
        raise PydanticKnownError("float_type")


def _number(amount: Decimal) -> int | float:
    """The JSON number of a checked amount (at most 16 significant digits: exact as a double)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)
