"""Per-provider rule switches: provider differences are data, not branches in handlers."""

from __future__ import annotations

from dataclasses import dataclass

from .payment import OperationKind


@dataclass(frozen=True, slots=True)
class Policy:
    #: A capture may take less than what is authorized.
    partial_capture: bool = True
    #: Several captures may draw on one authorization (split shipments).
    multiple_captures: bool = False
    #: A refund may return less than what is captured.
    partial_refund: bool = True
    #: More than one refund per payment.
    multiple_refunds: bool = True
    #: A refund registered to run with the card present (``Register``) returns exactly what
    #: was captured, in one piece; refunds made at once keep the partial-refund rules.
    exact_registered_refunds: bool = False
    #: Which operations a void may cancel.
    voidable: frozenset[OperationKind] = frozenset({OperationKind.AUTH})
    #: A void must happen on the (UTC, tenant-clock) day of the operation it cancels.
    void_same_day_only: bool = False
    #: Kinds the same-day rule spares (an authorization is released on any later day).
    void_any_day: frozenset[OperationKind] = frozenset()
    #: Voiding a capture returns its amount to the authorization instead of being refused.
    void_reopens_authorization: bool = False
    #: The authorized amount may be raised or lowered after the fact.
    incremental_authorization: bool = False
    #: An order nobody pays — and an operation registered for later execution that nobody
    #: executes — lapses after this many seconds (None: never).
    order_ttl_seconds: int | None = None
    #: Captured payments settle at the next UTC midnight of the tenant clock.
    settles_daily: bool = False
    #: A refund (return) comes on a later (UTC, tenant-clock) day than the money it returns;
    #: on the day itself the payment is voided instead.
    refund_next_day_only: bool = False
