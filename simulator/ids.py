"""Identifiers: unique per process, or — with a seed — the same on every run.

An id is derived from the seed and the business key it names (tenant, provider, order, and the
operation's position), so a seeded run repeats its ids exactly whatever the order in which
concurrent requests arrive, and ids never collide while business keys are unique.
"""

from __future__ import annotations

import hashlib
import os


class Ids:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._key = (
            os.urandom(16) if seed is None else hashlib.sha256(f"psp:{seed}".encode()).digest()[:16]
        )

    def name(self, *parts: object) -> str:
        """The parts joined into one name (unambiguous: parts are separated by a control
        character no business key contains)."""
        return "\x1f".join(map(str, parts))

    def uuid(self, *parts: object) -> str:
        """A version-4-shaped UUID named by ``parts``."""
        raw = bytearray(self._digest(parts, 16))
        raw[6] = (raw[6] & 0x0F) | 0x40  # version 4 layout: random-looking, as providers' are
        raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def digits(self, length: int, *parts: object) -> str:
        """A decimal string of ``length`` digits, not starting with 0, named by ``parts``."""
        low = 10 ** (length - 1)
        return str(low + self.number(*parts) % (9 * low))

    def number(self, *parts: object) -> int:
        """A 64-bit number named by ``parts`` (seeds for generated data)."""
        return int.from_bytes(self._digest(parts, 8), "big")

    def _digest(self, parts: tuple[object, ...], size: int) -> bytes:
        return hashlib.blake2b(self.name(*parts).encode(), key=self._key, digest_size=size).digest()
