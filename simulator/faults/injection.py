"""Queued faults: "the next N calls of operation O answer with X", and webhook chaos.

Request faults (checked before a provider's handler runs):

- ``error``     answer with an HTTP status, rendered in the provider's own error envelope
- ``latency``   wait ``latency_ms`` of real time, then handle the request normally
- ``reset``     drop the connection without an answer
- ``malformed`` answer 200 with a truncated JSON body

Webhook faults (applied when a notification is queued; see ``chaos``): ``drop``, ``delay``,
``duplicate``, ``reorder`` and ``timeout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..store import Delivery, UnitOfWork
from ..store.queue import Entry, TenantQueue
from . import chaos

RequestFaultKind = Literal["error", "latency", "reset", "malformed"]
WebhookFaultKind = Literal["drop", "delay", "duplicate", "reorder", "timeout"]
FaultKind = RequestFaultKind | WebhookFaultKind
REQUEST_KINDS: tuple[str, ...] = get_args(RequestFaultKind)
WEBHOOK_KINDS: tuple[str, ...] = get_args(WebhookFaultKind)
FAULT_KINDS: tuple[str, ...] = REQUEST_KINDS + WEBHOOK_KINDS

#: The operation name webhook faults are queued under.
WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    status: int = 500
    latency_ms: int = 0
    seconds: int = 0

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> Fault:
        return cls(
            kind=entry["kind"],
            status=int(entry.get("status") or 500),
            latency_ms=int(entry.get("latency_ms") or 0),
            seconds=int(entry.get("seconds") or 0),
        )


class QueuedFaults(TenantQueue):
    """One sandbox's queued faults, per tenant."""

    def __init__(self) -> None:
        super().__init__("faults")

    async def next_request_fault(
        self, uow: UnitOfWork, tenant: str, provider: str, operation: str
    ) -> Fault | None:
        def fits(entry: Mapping[str, Any]) -> bool:
            return (
                entry["kind"] in REQUEST_KINDS
                and entry.get("provider") in (None, provider)
                and entry.get("operation") in (None, "*", operation)
            )

        entry = await self.take(uow, tenant, fits)
        return Fault.of(entry) if entry else None

    async def with_webhook_faults(self, uow: UnitOfWork, delivery: Delivery) -> list[Delivery]:
        """The deliveries to save for a new notification: itself, or what the next queued
        webhook fault of its tenant makes of it."""

        def fits(entry: Mapping[str, Any]) -> bool:
            return entry["kind"] in WEBHOOK_KINDS and entry.get("provider") in (
                None,
                delivery.provider,
            )

        def note(entry: Entry) -> Mapping[str, Any]:
            return chaos.take_note(entry, delivery)

        entry = await self.take(uow, delivery.tenant, fits, note)
        return [delivery] if entry is None else await chaos.apply(uow, entry, delivery)
