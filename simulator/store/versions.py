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


class ReadVersions:
    """Versions of the payments and documents one unit of work read."""

    __slots__ = ("_documents", "_payments")

    def __init__(self) -> None:
        self._payments: dict[str, int] = {}
        self._documents: dict[DocKey, int] = {}

    def payment_read(self, payment_id: str, version: int) -> None:
        self._payments[payment_id] = version

    def payment(self, payment_id: str) -> int | _Unread:
        return self._payments.get(payment_id, UNREAD)

    def payment_written(self, payment_id: str) -> None:
        if payment_id in self._payments:
            self._payments[payment_id] += 1

    def document_read(self, key: DocKey, version: int | None) -> None:
        self._documents[key] = ABSENT if version is None else version

    def document(self, key: DocKey) -> int | _Unread:
        return self._documents.get(key, UNREAD)

    def document_written(self, key: DocKey, deleted: bool = False) -> None:
        if key in self._documents:
            self._documents[key] = ABSENT if deleted else self._documents[key] + 1
