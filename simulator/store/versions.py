"""What a unit of work read, and at which version: its writes of those rows are checked."""

from __future__ import annotations

from enum import Enum
from typing import Final


class _Unread(Enum):
    UNREAD = "unread"


#: The unit of work never read the row: its write is blind (last writer wins).
UNREAD: Final = _Unread.UNREAD
#: The unit of work read the row and found none: its write must create it.
ABSENT: Final = 0

DocKey = tuple[str, str, str]
#: A payment's business key: (tenant, provider, reference).
RefKey = tuple[str, str, str]


class ReadVersions:
    """Versions of the payments and documents one unit of work read, and the references it
    looked up and found free (a payment saved under one must be new: ``ABSENT``)."""

    __slots__ = ("_documents", "_free", "_payments")

    def __init__(self) -> None:
        self._payments: dict[str, int] = {}
        self._documents: dict[DocKey, int] = {}
        self._free: set[RefKey] = set()

    def payment_read(self, payment_id: str, version: int) -> None:
        self._payments[payment_id] = version

    def reference_free(self, key: RefKey) -> None:
        """No payment held ``key`` when it was looked up."""
        self._free.add(key)

    def payment(self, payment_id: str, key: RefKey) -> int | _Unread:
        """The version the payment was read at; ``ABSENT`` when it was looked up by its
        reference and not found (a seeded sandbox names a new payment by its business key,
        so two processes opening one order build the same id: the second must not overwrite
        the first); ``UNREAD`` for a blind write."""
        version = self._payments.get(payment_id, UNREAD)
        if version is UNREAD and key in self._free:
            return ABSENT
        return version

    def payment_written(self, payment_id: str, key: RefKey) -> None:
        if payment_id in self._payments:
            self._payments[payment_id] += 1
        elif key in self._free:  # created: a later save in this unit updates what it wrote
            self._free.discard(key)
            self._payments[payment_id] = ABSENT + 1

    def document_read(self, key: DocKey, version: int | None) -> None:
        self._documents[key] = ABSENT if version is None else version

    def document(self, key: DocKey) -> int | _Unread:
        return self._documents.get(key, UNREAD)

    def document_written(self, key: DocKey, deleted: bool = False) -> None:
        if key in self._documents:
            self._documents[key] = ABSENT if deleted else self._documents[key] + 1
