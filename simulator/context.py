"""The sandbox's parts, assembled once by the app factory and shared by every handler."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .faults.injection import QueuedFaults
from .ids import Ids
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
    from .providers.base import ProviderPlugin


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
    plugins: Mapping[str, ProviderPlugin]
    merchant_webhooks: MerchantWebhooks

    async def reset(self, tenant: str | None = None) -> None:
        """Forget one tenant's state (payments, webhooks, clock, queues) or everything."""
        await self.store.reset(tenant)
        self.clocks.forget(tenant)
        self.outcomes.forget(tenant)
        self.faults.forget(tenant)
        if tenant is None:
            self.credentials.forget_provisioned()

    async def run_due(self, tenant: str | None = None) -> int:
        """Run the work that is due now: payments time acts on, then webhooks to send."""
        ticked = await self.scheduler.run_due(tenant)
        await self.dispatcher.run_due(tenant)
        return ticked
