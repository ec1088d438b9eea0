"""The sandbox's parts, assembled once by the app factory and shared by every handler."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .faults.injection import QueuedFaults
from .ids import Ids
from .journal.writer import JournalWriter
from .outcomes.processor import ProcessorData
from .outcomes.scripted import QueuedOutcomes
from .services.clock import Clocks
from .services.credentials import Credentials
from .services.merchant_webhooks import MerchantWebhooks
from .services.payments import PaymentService
from .services.scheduler import Scheduler
from .services.tokens import CardTokens
from .settings import Settings
from .store import Store
from .webhooks import Dispatcher

if TYPE_CHECKING:
    from .providers.registry import Providers


@dataclass(frozen=True, slots=True)
class SandboxContext:
    settings: Settings
    store: Store
    ids: Ids
    clocks: Clocks
    credentials: Credentials
    payments: PaymentService
    scheduler: Scheduler
    dispatcher: Dispatcher
    processor: ProcessorData
    tokens: CardTokens
    outcomes: QueuedOutcomes
    faults: QueuedFaults
    #: The provider plugins by name, each imported and built on first use.
    plugins: Providers
    merchant_webhooks: MerchantWebhooks
    journal: JournalWriter

    async def reset(self, tenant: str | None = None) -> None:
        """Forget one tenant's state (payments, webhooks, clock, queues) or everything."""
        await self.store.reset(tenant)
        self.clocks.forget()

    async def run_due(self, tenant: str | None = None) -> tuple[int, int]:
        """Run everything due now, each piece at its own due time, until nothing is: payments
        time acts on, the webhooks they cause, and every retry that falls due meanwhile —
        also those another process holds a claim on (it is waited for). Returns how many
        payments were ticked and how many webhook attempts were made."""
        ticked = attempted = 0
        while True:
            done = await self.scheduler.run_due(tenant)
            sent, elsewhere = await self.dispatcher.run_due(tenant)
            ticked, attempted = ticked + done, attempted + sent
            if done == 0 and sent == 0:
                if not elsewhere:
                    return ticked, attempted
                await asyncio.sleep(self.settings.poll_interval / 4)
