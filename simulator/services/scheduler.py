"""Due work: payments whose moment has come on their tenant clock are ticked (resolved, expired,
settled), each at its own due time, earliest first. Runs in the background of every process and
on demand when a clock is advanced; two processes ticking one payment is harmless (the store
serializes them, and the second finds nothing left to do)."""

from __future__ import annotations

import asyncio
import logging

from ..store import Store
from .clock import Clocks
from .payments import PaymentService

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, store: Store, clocks: Clocks, payments: PaymentService) -> None:
        self._store = store
        self._clocks = clocks
        self._payments = payments

    async def run_due(self, tenant: str | None = None, batch: int = 500) -> int:
        """Tick every payment that is due now; return how many were ticked."""
        ticked = 0
        while True:
            due = await self._store.due_payments(self._clocks.real_now(), batch, tenant)
            for owner, payment_id in due:
                await self._payments.tick(owner, payment_id)
            ticked += len(due)
            if len(due) < batch:
                return ticked

    async def run_forever(self, interval: float = 0.2) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("scheduler pass failed")
            await asyncio.sleep(interval)
