"""What the simulated processor says besides the result: bank names, RRNs, approval codes.

Generated with faker, seeded from the sandbox seed and the payment's key, so a seeded run
produces the same details every time.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from ..ids import Ids


@dataclass(frozen=True, slots=True)
class ProcessorDetails:
    approval_code: str  # six alphanumerics, as issuers return them
    rrn: str  # twelve-digit retrieval reference number
    bank_name: str
    terminal_id: str
    merchant_id: str


@lru_cache(maxsize=8)
def _faker(locale: str) -> Faker:
    return Faker(locale)


class ProcessorData:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids

    def details(self, *key: object, locale: str = "en_US") -> ProcessorDetails:
        fake = _faker(locale)
        fake.seed_instance(self._ids.number("processor", *key))
        return ProcessorDetails(
            approval_code=fake.lexify("??????", letters=string.ascii_uppercase + string.digits),
            rrn=fake.numerify("############"),
            bank_name=_bank(fake),
            terminal_id=fake.numerify("########"),
            merchant_id=fake.numerify("###############"),
        )


def _bank(fake: Faker) -> str:
    try:
        return str(fake.bank())
    except AttributeError:  # locales without a bank provider
        return f"{fake.last_name()} Bank"


def mask(number: str) -> str:
    """``4242424242424242`` → ``424242******4242``: BIN and last four only."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
