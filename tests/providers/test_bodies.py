"""Request bodies are read exactly: numbers as written, nothing a JSON parser should refuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from psp_sandbox.simulator.engine.money import decimals
from psp_sandbox.simulator.providers import bodies
from psp_sandbox.simulator.providers.amounts import MajorUnits


class Priced(BaseModel):
    model_config = ConfigDict(strict=True)

    amount: Annotated[Decimal, MajorUnits(maximum=Decimal("1000"), places=2)]
    extra: bodies.JsonObject | None = None


class Lenient(BaseModel):
    amount: Annotated[Decimal, MajorUnits(maximum=Decimal("1000"), strings=True)]


def test_numbers_keep_every_digit_they_were_written_with() -> None:
    value = bodies.load(b'{"a": 1.0000000000000001, "b": 1e-4300, "c": 12, "d": [0.1]}')
    assert value == {
        "a": Decimal("1.0000000000000001"),
        "b": Decimal("1e-4300"),
        "c": 12,
        "d": [Decimal("0.1")],
    }
    assert type(value["c"]) is int


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b'{"a": 1' + b"0" * 5000 + b"}",
        b'{"a": 1e999999999}',
        b'{"a": 1e-999999999}',
        b'{"a": 1e4301}',
        b"[" * 33 + b"]" * 33,
        b"[" * 100_000,
        b'{"a": "\xff"}',
        b'{"a": "tea\\ud800"}',
        b'{"a": ["\\uDFFF"]}',
        b'{"\\ud800": 1}',
        b"",
        b'{"a": 1} trailing',
    ],
)
def test_what_no_provider_takes_is_malformed(raw: bytes) -> None:
    with pytest.raises(bodies.MalformedBody):
        bodies.load(raw)


def test_thirty_two_levels_of_nesting_still_parse() -> None:
    assert bodies.load(b"[" * 32 + b"]" * 32) is not None


def test_an_escaped_surrogate_pair_is_one_character() -> None:
    assert bodies.load(b'{"a": "\\ud83d\\ude00", "b": 1.5}') == {
        "a": "\U0001f600",
        "b": Decimal("1.5"),
    }


def test_free_form_objects_hold_plain_json_numbers_again() -> None:
    parsed = bodies.validate(Priced, b'{"amount": 10.5, "extra": {"x": [1.25, {"y": 2}]}}')
    assert parsed.amount == Decimal("10.5")
    assert parsed.extra == {"x": [1.25, {"y": 2}]}
    assert type(parsed.extra["x"][0]) is float


@pytest.mark.parametrize(
    ("amount", "kind"),
    [
        ("1.001", "decimal_max_places"),
        ("1000.01", "less_than_equal"),
        ("0", "greater_than"),
        ('"10"', "float_type"),
        ("true", "float_type"),
        ("null", "float_type"),
    ],
)
def test_an_amount_out_of_its_rules_is_pydantics_usual_error(amount: str, kind: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        bodies.validate(Priced, f'{{"amount": {amount}}}'.encode())
    assert [e["type"] for e in invalid.value.errors()] == [kind]


@pytest.mark.parametrize(
    "amount", ['"1e99999999999999999999"', '"0e-99999999999999999999"', '" 1"', '"1."', '"0x10"']
)
def test_a_string_amount_is_a_plain_json_number_or_an_error(amount: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        bodies.validate(Lenient, f'{{"amount": {amount}}}'.encode())
    assert [e["type"] for e in invalid.value.errors()] == ["decimal_parsing"]
    assert bodies.validate(Lenient, b'{"amount": "12.5e1"}').amount == Decimal("125")


def test_an_amount_is_dumped_as_a_json_number() -> None:
    dumped: dict[str, Any] = Priced(amount=Decimal("12.50")).model_dump(mode="json")
    assert dumped["amount"] == 12.5
    assert Priced(amount=Decimal("1E+2")).model_dump(mode="json")["amount"] == 100


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**15)
    | st.builds(Decimal, st.from_regex(r"\A[0-9]{1,40}(\.[0-9]{0,40})?(E-?[0-9]{1,4})?\Z")),
    st.integers(min_value=0, max_value=6),
)
def test_an_amount_is_finer_than_its_places_exactly_when_its_digits_say_so(
    amount: Decimal, places: int
) -> None:
    units = MajorUnits(maximum=Decimal("1e99"), places=places)
    assert units._finer_than_places(amount) == (decimals(amount) > places)
