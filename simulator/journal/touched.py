"""Which payments the current request acted on: noted by the payment service, read by the journal.

A context variable, so the service needs no knowledge of HTTP: the journal's middleware opens a
record for each request, every command the service runs notes its payment there, and requests
that touched none (a status read, a health check) leave nothing behind.
"""

from __future__ import annotations

from contextvars import ContextVar

#: (tenant, payment id) pairs, in the order they were first touched.
_touched: ContextVar[dict[tuple[str, str], None] | None] = ContextVar("touched", default=None)


def note(tenant: str, payment_id: str) -> None:
    """The current request acts on this payment (no-op outside a recorded request)."""
    touched = _touched.get()
    if touched is not None:
        touched[(tenant, payment_id)] = None


class Recording:
    """``with Recording() as touched:`` collects the payments noted inside the block."""

    def __init__(self) -> None:
        self.payments: dict[tuple[str, str], None] = {}

    def __enter__(self) -> dict[tuple[str, str], None]:
        self._token = _touched.set(self.payments)
        return self.payments

    def __exit__(self, *exc: object) -> None:
        _touched.reset(self._token)
