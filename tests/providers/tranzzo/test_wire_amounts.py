"""Tranzzo writes an amount as the JSON number of its exact major-unit value: an integer when
it is whole (``100``), else the nearest double (``50.5``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from psp_sandbox.simulator.engine.money import EXPONENTS, MAX_MINOR, to_decimal
from psp_sandbox.simulator.providers.tranzzo.mapping import amount


@given(st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), st.sampled_from(sorted(EXPONENTS)))
def test_an_amount_is_the_number_of_its_exact_decimal_value(minor: int, currency: str) -> None:
    exact = to_decimal(minor, currency)
    expected = int(exact) if exact == exact.to_integral_value() else float(exact)
    written = amount(minor, currency)
    assert written == expected
    assert type(written) is type(expected)


def test_whole_amounts_are_integers_and_others_keep_their_cents() -> None:
    assert amount(10000, "UAH") == 100 and isinstance(amount(10000, "UAH"), int)
    assert amount(5050, "UAH") == 50.5
    assert amount(5, "JPY") == 5 and amount(1234, "KWD") == 1.234
