"""Merchant free text with card data masked on the way in (docs/security.md).

A merchant may write a card number into a description, a comment or a customer's name; the
sandbox keeps, echoes and sends such text, so it masks card data in it as the request journal
does (``424242******4242``; ``cvv: 123`` becomes ``cvv: ***``) before anything else reads it.
The request is not refused. Identifiers (order ids, references, tokens, URLs) are never free
text: a wire model marks only fields that carry human or merchant prose.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

from ..journal.masking import mask_text

# What text needs before any pattern of ``mask_text`` can match in it: a card number, a
# security code and a PIN all hold three digits in a row; an encoded card blob is a run of 24
# base64 characters or more. Most free text holds neither, and these scans (in C) prove it in
# well under a microsecond where ``mask_text``'s own checks take several.
_THREE_DIGITS = re.compile(r"[0-9]{3}")
_LONG_RUN = re.compile(r"[A-Za-z0-9+/_-]{24}")


def mask_free_text(text: str) -> str:
    """``text`` with every card number, security code, PIN and encoded card blob masked."""
    if not _THREE_DIGITS.search(text) and (len(text) < 24 or not _LONG_RUN.search(text)):
        return text
    return mask_text(text)


#: Keys of free-form customer objects (billing and shipping details, addresses) whose values are
#: prose: names and address lines. Their ids, birth dates, postal codes, countries, phones and
#: e-mails are kept exactly as written (a phone in E.164 may be 13 digits starting 2-6).
PERSON_AND_ADDRESS = frozenset(
    {
        "name", "firstName", "lastName", "middleName", "company",
        "address", "address1", "address2", "street", "street1", "street2",
        "city", "region", "state", "stateProvince",
    }
)  # fmt: skip


def mask_person_and_address(value: Any) -> Any:
    """A parsed JSON value with the strings under ``PERSON_AND_ADDRESS`` keys, at any depth,
    masked (a free-form customer object: billing or shipping details, an address)."""
    if isinstance(value, dict):
        return {
            key: mask_free_text(item)
            if key in PERSON_AND_ADDRESS and isinstance(item, str)
            else mask_person_and_address(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_person_and_address(item) for item in value]
    return value


#: The validator that marks a field as free text (to annotate a provider's own text types).
MASKED = AfterValidator(mask_free_text)
#: A field that carries human or merchant free text.
FreeText = Annotated[str, MASKED]
#: The validator for a free-form customer object: its names and address lines are masked.
MASKED_PERSON_AND_ADDRESS = AfterValidator(mask_person_and_address)
