"""Request bodies read exactly: JSON numbers kept as written, never rounded through a float.

pydantic's JSON parser reads every number with a fraction or an exponent as a double:
``1.0000000000000001`` becomes ``1``, ``1e999999999`` infinity, and ``NaN`` is let in. A
payment API must judge the amount the merchant wrote, so provider bodies are parsed here
first — numbers with a fraction or exponent as exact ``Decimal``, integers as ``int``; ``NaN``
and ``Infinity`` (not JSON), strings with a lone surrogate (no UTF-8 can carry them), nesting
deeper than ``MAX_DEPTH``, integers of more than 4300 digits and numbers beyond
``10**±MAX_EXPONENT`` (whose conversion to an integer alone would take minutes) refused as
malformed — and then validated from those Python values. Money fields use
``amounts.Amount``; free-form objects ``JsonObject``, which turns exact numbers back into the
plain JSON numbers stored and echoed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, TypeAdapter
from pydantic_core import PydanticCustomError

#: No payment API nests objects this deep; deeper bodies are refused before validation.
MAX_DEPTH = 32
#: The largest decimal exponent a number may have, either way: as many digits as Python takes
#: for an integer (``sys.get_int_max_str_digits``), for the same reason.
MAX_EXPONENT = 4300

_SURROGATE = re.compile("[\ud800-\udfff]")

Model = TypeVar("Model", bound=BaseModel)
T = TypeVar("T")


class MalformedBody(ValueError):
    """Not JSON, or JSON no provider accepts (NaN, Infinity, lone surrogates, absurd nesting or
    integers)."""


def load(raw: bytes) -> Any:
    """The body's JSON value, its numbers exact."""
    try:
        # As ``json.loads`` reads bytes, with one decoder made once rather than per body.
        value = _DECODER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))
    except (ValueError, RecursionError) as error:  # JSONDecodeError, bad UTF-8, huge ints
        raise MalformedBody(str(error)) from None
    # No more brackets than levels allowed, strings' included: no walk needed to know it.
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise MalformedBody(f"nested deeper than {MAX_DEPTH} levels")
    # Only an escape can make one; no text of it can be stored, echoed or sent as UTF-8.
    if b"\\ud" in raw.lower() and _SURROGATE.search(
        json.dumps(value, ensure_ascii=False, default=str)
    ):
        raise MalformedBody("a string holds a lone surrogate (\\ud800-\\udfff)")
    return value


def validate(model: type[Model], raw: bytes) -> Model:
    """``raw`` as ``model``: MalformedBody, or pydantic's ValidationError."""
    return model.model_validate(load(raw))


def validate_as(adapter: TypeAdapter[T], raw: bytes) -> T:
    """``raw`` as the adapter's type (unions of models): MalformedBody or ValidationError."""
    return adapter.validate_python(load(raw))


def plain(value: Any) -> Any:
    """A parsed value with exact numbers made plain JSON numbers again (for storing, echoing)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _plain_object(value: dict[str, Any]) -> dict[str, Any]:
    return plain(value)  # type: ignore[no-any-return]


#: A free-form JSON object (billing details, user information ...), kept as plain JSON.
JsonObject = Annotated[dict[str, Any], AfterValidator(_plain_object)]


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_from_datetime_parsing",
                "Input should be a valid date in the format YYYY-MM-DD",
            ) from None
    return value


#: A date as JSON writes one (``"2026-11-30"``): bodies are validated from parsed values, where
#: a strict model's ``date`` would take only a Python date.
JsonDate = Annotated[date, BeforeValidator(_iso_date)]


def _exact(text: str) -> Decimal:
    number = Decimal(text)
    if abs(number.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"{text[:40]} is beyond any number a payment API takes")
    return number


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


_DECODER = json.JSONDecoder(parse_float=_exact, parse_constant=_not_json)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest
