"""Money conversions between wire decimals and integer minor units."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psp_sandbox.simulator.engine.money import (
    EXPONENTS,
    NUMERIC_CODES,
    InvalidAmount,
    UnknownCurrency,
    decimals,
    to_decimal,
    to_minor,
)


def test_minor_units_follow_the_currency_exponent() -> None:
    assert to_minor(Decimal("12.34"), "EUR") == 1234
    assert to_minor("1500", "JPY") == 1500
    assert to_minor(Decimal("1.234"), "KWD") == 1234
    assert to_minor(Decimal("100.00"), "XTS") == 10000


def test_finer_than_the_minor_unit_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        to_minor(Decimal("1.5"), "JPY")
    with pytest.raises(InvalidAmount):
        to_minor(Decimal("0.001"), "EUR")


def test_negative_and_nonsense_amounts_are_refused() -> None:
    for bad in ("-1", "NaN", "Infinity", "abc"):
        with pytest.raises(InvalidAmount):
            to_minor(bad, "EUR")


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        to_minor("1", "ZZZ")


def test_decimals_counts_significant_places() -> None:
    assert [decimals(Decimal(x)) for x in ("100.00", "250", "50.50", "0.05")] == [0, 0, 1, 2]


@given(st.integers(0, 10**12), st.sampled_from(sorted(EXPONENTS)))
def test_minor_units_round_trip(minor: int, currency: str) -> None:
    assert to_minor(to_decimal(minor, currency), currency) == minor


@pytest.mark.parametrize(
    ("amount", "places"),
    [("1e-999999999", 999_999_999), ("1E+999999999", 0), ("0E-50", 0), ("-0.010", 2), ("1E2", 0)],
)
def test_decimals_are_counted_without_rounding_whatever_the_exponent(
    amount: str, places: int
) -> None:
    assert decimals(Decimal(amount)) == places


@pytest.mark.parametrize(
    "amount",
    ["1e-999999999", "1e999999999", "1.0000000000000001", "92233720368547758.08", "1e17"],
)
def test_amounts_no_store_can_hold_exactly_are_refused_not_rounded(amount: str) -> None:
    with pytest.raises(InvalidAmount):
        to_minor(Decimal(amount), "EUR")


def test_the_largest_amount_a_store_holds_still_converts() -> None:
    assert to_minor(Decimal("92233720368547758.07"), "EUR") == 2**63 - 1
    assert to_minor(Decimal("1.000000000000000000000000000000000000000"), "EUR") == 100


def test_exponents_follow_the_iso_4217_table_of_the_iso4217_package() -> None:
    from iso4217 import Currency

    assert EXPONENTS["CLF"] == Currency.clf.exponent == 4
    assert EXPONENTS["XCG"] == 2  # the Caribbean guilder, in ISO 4217 since 2025
    assert "XAU" not in EXPONENTS  # gold has no minor unit: not money here
    assert EXPONENTS["XTS"] == 2  # ISO's test code: the sandbox gives it two decimals
    assert NUMERIC_CODES["978"] == "EUR"
    assert NUMERIC_CODES["392"] == "JPY"
