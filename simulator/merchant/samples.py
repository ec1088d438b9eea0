"""Sample events: how a provider is made to send one realistic webhook of each kind it sends.

A sample drives an in-process sandbox as a merchant would (provider calls, and admin calls
for what a cardholder or time does); the sandbox itself renders and signs the webhook, so
what `psp-sandbox trigger` sends is exactly what the sandbox sends. Each provider lists its
samples in its own folder (``ProviderPlugin.samples``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..services.credentials import Credential


class Merchant(Protocol):
    """What a sample may do: call the provider, and act as the cardholder or as time."""

    #: Where the sample's notifications go (the sandbox sends them there, then trigger
    #: forwards the one asked for).
    hook: str
    #: The credential the sample acts with (its key, secret, and extra parts: POS id ...).
    credential: Credential

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        """A signed provider call; its JSON answer (an error answer raises)."""
        ...

    async def admin(self, method: str, path: str, body: Any = None) -> Any:
        """An admin call in the sample's tenant (``/clock``, ``/payments/{id}/challenge`` ...)."""
        ...


@dataclass(frozen=True, slots=True)
class Sample:
    description: str
    #: Makes the provider send the event (to ``merchant.hook``).
    run: Callable[[Merchant], Awaitable[None]]
