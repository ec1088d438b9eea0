"""The Luhn check answers as the textbook loop does, for every string of digits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from psp_sandbox.simulator.outcomes.magic import luhn_valid


def textbook_luhn(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@given(st.text(alphabet="0123456789", min_size=10, max_size=21))
def test_ascii_numbers_pass_exactly_when_the_textbook_loop_says(number: str) -> None:
    assert luhn_valid(number) == textbook_luhn(number)


#: ASCII digits, Arabic-Indic digits and a superscript (``str.isdigit`` takes them all), a
#: space, a letter.
OTHER = "0123456789" + "".join(chr(0x660 + n) for n in range(10)) + "\u00b2 x"


@given(st.text(alphabet=OTHER, min_size=10, max_size=21))
def test_only_ascii_digits_can_pass(number: str) -> None:
    expected = number.isascii() and textbook_luhn(number)
    assert luhn_valid(number) == expected


def test_documented_test_cards_pass_and_a_changed_digit_fails() -> None:
    assert luhn_valid("4242424242424242") and luhn_valid("5555555555554444")
    assert not luhn_valid("4242424242424241")
