"""What the simulated processor says besides the result: bank names, RRNs, approval codes.

Names come from faker (drawn once per locale into a pool); the values of one payment are read
off a hash of the sandbox seed and the payment's key, so a seeded run repeats them exactly and
no payment pays for a faker call on the hot path.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from functools import lru_cache

from ..ids import Ids

_ALPHANUMERIC = string.ascii_uppercase + string.digits
#: Each byte's approval-code character (``_ALPHANUMERIC[byte % 36]``), for ``bytes.translate``.
_APPROVAL_CHARACTERS = bytes(ord(_ALPHANUMERIC[byte % 36]) for byte in range(256))
_POOL_SIZE = 64
DEFAULT_LOCALE = "en_US"
#: The only faker providers the names come from: a locale loads in ~5 ms instead of ~27 ms.
_FAKER_PROVIDERS = ["faker.providers.bank", "faker.providers.person"]


@dataclass(frozen=True, slots=True)
class ProcessorDetails:
    approval_code: str  # six alphanumerics, as issuers return them
    rrn: str  # twelve-digit retrieval reference number
    bank_name: str
    terminal_id: str
    merchant_id: str


@lru_cache(maxsize=16)
def bank_names(locale: str) -> tuple[str, ...]:
    """Realistic issuer names for a locale (faker's banks; its surnames where it has none)."""
    from faker import Faker  # imported on first use: it costs the start-up ~0.1 s

    fake = Faker(locale, providers=_FAKER_PROVIDERS)
    fake.seed_instance(0)
    try:
        names = {str(fake.bank()) for _ in range(_POOL_SIZE * 4)}
    except AttributeError:
        names = {f"{fake.last_name()} Bank" for _ in range(_POOL_SIZE * 4)}
    return tuple(sorted(names))[:_POOL_SIZE]


class ProcessorData:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids

    def details(self, *key: object, locale: str = DEFAULT_LOCALE) -> ProcessorDetails:
        digest = hashlib.blake2b(
            self._ids.name("processor", *key).encode(), digest_size=32
        ).digest()
        number = int.from_bytes(digest, "big")
        banks = bank_names(locale)
        return ProcessorDetails(
            approval_code=digest[:6].translate(_APPROVAL_CHARACTERS).decode("ascii"),
            rrn=f"{number % 10**12:012d}",
            bank_name=banks[digest[6] % len(banks)],
            terminal_id=f"{(number >> 48) % 10**8:08d}",
            merchant_id=f"{(number >> 96) % 10**15:015d}",
        )


def mask(number: str) -> str:
    """``4242424242424242`` → ``424242******4242``: BIN and last four only."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"
