"""What the (simulated) processor answers to an operation: the outcome the engine applies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Result(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    FAILED = "failed"
    CHALLENGE = "challenge"
    PENDING = "pending"
    #: Ended before a result: the cardholder aborted or took the card out of the reader.
    CANCELLED = "cancelled"


class Reason(StrEnum):
    """Neutral result codes; each provider's mapping renders them in its own words."""

    APPROVED = "approved"
    DO_NOT_HONOUR = "do_not_honour"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    INVALID_CVV = "invalid_cvv"
    INVALID_CARD_NUMBER = "invalid_card_number"
    #: Refused as a repeat of a recent transaction (a gateway's duplicate lockout).
    DUPLICATE_TRANSACTION = "duplicate_transaction"
    PROCESSOR_ERROR = "processor_error"
    AUTHENTICATION_REQUIRED = "authentication_required"
    AUTHENTICATION_FAILED = "authentication_failed"
    AUTHENTICATION_ABANDONED = "authentication_abandoned"
    PROCESSING = "processing"
    #: Card present: the card or the terminal declined before going online.
    CARD_DECLINED = "card_declined"
    #: Card present: the card is blocked (processing restrictions).
    CARD_BLOCKED = "card_blocked"
    #: Card present: the offline PIN was wrong on every try the card allows.
    PIN_TRIES_EXCEEDED = "pin_tries_exceeded"
    #: A registered operation lapsed before anyone executed it.
    SESSION_EXPIRED = "session_expired"
    CANCELLED_BY_MERCHANT = "cancelled_by_merchant"
    CANCELLED_BY_CARDHOLDER = "cancelled_by_cardholder"
    CARD_REMOVED = "card_removed"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A result and its reason; ``PENDING`` outcomes say when (``delay_seconds``) they turn
    into which final outcome (``then``)."""

    result: Result
    reason: Reason = Reason.APPROVED
    delay_seconds: int = 0
    then: Outcome | None = None

    def __post_init__(self) -> None:
        if self.result is Result.PENDING and self.then is None:
            raise ValueError("a pending outcome needs the outcome it turns into")
        if self.delay_seconds < 0:
            raise ValueError("delay_seconds must not be negative")

    @property
    def is_final(self) -> bool:
        return self.result in (Result.APPROVED, Result.DECLINED, Result.FAILED)


APPROVED = Outcome(Result.APPROVED)
CHALLENGE = Outcome(Result.CHALLENGE, Reason.AUTHENTICATION_REQUIRED)


def declined(reason: Reason = Reason.DO_NOT_HONOUR) -> Outcome:
    return Outcome(Result.DECLINED, reason)


def failed(reason: Reason = Reason.PROCESSOR_ERROR) -> Outcome:
    return Outcome(Result.FAILED, reason)


def pending(then: Outcome, delay_seconds: int) -> Outcome:
    return Outcome(Result.PENDING, Reason.PROCESSING, delay_seconds, then)


def cancelled(reason: Reason = Reason.CANCELLED_BY_CARDHOLDER) -> Outcome:
    return Outcome(Result.CANCELLED, reason)
