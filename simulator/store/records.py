"""Stored records besides payments: webhook deliveries and their attempts, the requests that
acted on a payment, and the change feed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its due time (first try or a retry)
    IN_FLIGHT = "in_flight"  # claimed by the dispatcher, being sent
    DELIVERED = "delivered"  # a 2xx answer arrived
    FAILED = "failed"  # every retry of the schedule was used up
    DROPPED = "dropped"  # discarded by an injected webhook fault


@dataclass(frozen=True, slots=True)
class Attempt:
    #: Tenant-clock time the request was sent.
    at: datetime
    #: HTTP status of the answer; None when no answer came (timeout, refused connection).
    status: int | None
    latency_ms: int
    error: str | None = None
    #: The first bytes of the answer, for the admin API.
    response: str = ""
    #: The first bytes of what was sent (card numbers masked).
    request: str = ""
    #: The signature the provider put on it (header or field), if it signs.
    signature: str | None = None
    #: No answer counted within the provider's time limit (a slow receiver, or injected).
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook (notification) to send, with everything needed to send it again."""

    id: str
    tenant: str
    provider: str
    url: str
    #: What happened, in the provider's words (``purchase.success``, ``payment.in_process`` ...).
    event: str
    #: The provider's snapshot of the payload, taken when the event happened.
    payload: Mapping[str, Any]
    state: DeliveryState
    #: Tenant-clock time of the next try.
    due_at: datetime
    created_at: datetime
    payment_id: str | None = None
    operation_id: str | None = None
    #: Which stored credential signs it (None: the provider does not sign).
    signing_key: str | None = None
    attempts: tuple[Attempt, ...] = ()
    #: Set on copies made by a replay or a duplicate fault.
    copy_of: str | None = None
    #: The webhook chaos applied to it (drop, delay, duplicate, reorder, timeout), as queued.
    faults: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request that acted on a payment, as the sandbox answered it (cards masked)."""

    tenant: str
    payment_id: str
    #: Tenant-clock time the request arrived.
    at: datetime
    method: str
    #: Path and query string, as requested.
    path: str
    status: int
    latency_ms: int
    #: Who was called: a provider's name, ``admin`` or ``page`` (a hosted page).
    source: str
    #: The first bytes of the request and answer bodies, card numbers masked.
    request: str = ""
    response: str = ""


ChangeKind = Literal["payment", "delivery", "tenant"]


@dataclass(frozen=True, slots=True)
class Change:
    """The latest change of one record: readers poll for changes after the last ``seq`` they saw.

    A payment or delivery has one change, moved to the end whenever it is saved again; a
    ``tenant`` change says the tenant was reset or replaced (``*``: every tenant)."""

    seq: int
    tenant: str
    kind: ChangeKind
    id: str


@dataclass(frozen=True, slots=True)
class TenantSummary:
    tenant: str
    payments: int
    #: Tenant-clock time the newest payment was created.
    last_payment_at: datetime | None
