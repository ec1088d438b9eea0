"""Stored records besides payments: webhook deliveries and their attempts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


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
