"""Free text masks card data as the journal does, skips text that cannot hold any, and leaves
the ids and contact fields of a customer object alone."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from psp_sandbox.simulator.providers.free_text import FreeText, mask_person_and_address

TEXT: TypeAdapter[str] = TypeAdapter(FreeText)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("paid with 4532015112830366", "paid with 453201******0366"),
        ("4532 0151 1283 0366 cvv: 739", "453201******0366 cvv: ***"),
        ("Order 1 for Ana", "Order 1 for Ana"),
        ("Invoice 2024-117, 3 items", "Invoice 2024-117, 3 items"),
        (
            "a very long description with no digit in it at all",
            "a very long description with no digit in it at all",
        ),
    ],
)
def test_free_text_is_masked_as_the_journal_masks_it(written: str, kept: str) -> None:
    assert TEXT.validate_python(written) == kept


def test_a_customer_object_masks_names_and_address_lines_only() -> None:
    billing = {
        "name": "Ana 4532015112830366",
        "customerId": "4532015112830366",
        "contact": {"phone": "+4532015112830366"},
        "address": {"address1": "4532 0151 1283 0366 Main St", "postalCode": "01001"},
        "items": [{"city": "4532015112830366"}],
    }
    assert mask_person_and_address(billing) == {
        "name": "Ana 453201******0366",
        "customerId": "4532015112830366",
        "contact": {"phone": "+4532015112830366"},
        "address": {"address1": "453201******0366 Main St", "postalCode": "01001"},
        "items": [{"city": "453201******0366"}],
    }
