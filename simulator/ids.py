"""Identifiers: unique per process, or — with a seed — the same on every run.

An id is derived from the seed and the business key it names (tenant, provider, order, and the
operation's position), so a seeded run repeats its ids exactly whatever the order in which
concurrent requests arrive, and ids never collide while business keys are unique.
"""

from __future__ import annotations

import hashlib
import uuid


class Ids:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        namespace = (
            uuid.uuid4() if seed is None else uuid.uuid5(uuid.NAMESPACE_URL, f"psp-sandbox:{seed}")
        )
        self._namespace = namespace

    def uuid(self, *parts: object) -> str:
        """A UUID (version 5) named by ``parts``."""
        return str(uuid.uuid5(self._namespace, _join(parts)))

    def digits(self, length: int, *parts: object) -> str:
        """A decimal string of ``length`` digits, not starting with 0, named by ``parts``."""
        number = self.number(*parts)
        low = 10 ** (length - 1)
        return str(low + number % (9 * low))

    def number(self, *parts: object) -> int:
        """A 64-bit number named by ``parts`` (seeds for generated data)."""
        digest = hashlib.blake2b(_join(parts).encode(), key=self._namespace.bytes, digest_size=8)
        return int.from_bytes(digest.digest(), "big")


def _join(parts: tuple[object, ...]) -> str:
    return "\x1f".join(str(p) for p in parts)
