"""Card-present terminals: what a presented card asks of the cardholder, and what it leads to.

A provider with card-present transactions reads a presented card into a ``CardReading`` (its
documented test card, or the neutral magic cards); the steps below turn what a person does at
the terminal — present the card (insert or tap), enter the PIN, take the card out, abort —
into engine commands on a registered operation. What the terminal learned is kept in the
operation's details under ``terminal`` (never the card number: BIN and last four only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from ..engine import (
    APPROVED,
    CHALLENGE,
    Cancel,
    Command,
    Execute,
    Operation,
    OperationStatus,
    Outcome,
    Payment,
    Reason,
    Resolve,
    cancelled,
    declined,
)
from .card import CardFacts
from .challenge import AFTER_AUTHENTICATION, remember_issuer_answer
from .codec import outcome_from_json
from .magic import luhn_valid

Entry = Literal["contact", "contactless"]

#: Tries a card allows for its offline PIN before it declines (EMV's usual PIN try counter).
PIN_TRIES = 3
_PIN = re.compile(r"^[0-9]{4,12}$")
_KEY = "terminal"


class Verification(StrEnum):
    """The cardholder verification method (CVM) a card asks for."""

    NONE = "none"
    SIGNATURE = "signature"
    OFFLINE_PIN = "offline_pin"
    OFFLINE_PIN_AND_SIGNATURE = "offline_pin_and_signature"
    ONLINE_PIN = "online_pin"

    @property
    def asks_pin(self) -> bool:
        return self in (
            Verification.OFFLINE_PIN,
            Verification.OFFLINE_PIN_AND_SIGNATURE,
            Verification.ONLINE_PIN,
        )


@dataclass(frozen=True, slots=True)
class PresentedCard:
    """A card presented on the terminal: the provider's test card unless a number is given."""

    entry: Entry = "contact"
    number: str | None = None


@dataclass(frozen=True, slots=True)
class CardReading:
    """What the terminal learns from a presented card, and what the card calls for."""

    #: BIN, last four, brand, expiry — and the outcome once the cardholder is verified.
    card: CardFacts
    entry: Entry
    verification: Verification = Verification.NONE
    #: False: the card (or the terminal) answers at once, before any verification — an
    #: offline decline, a blocked card.
    verify_first: bool = True
    #: Whether the card accepts its offline PIN (an online PIN is the issuer's to check).
    pin_accepted: bool = True
    holder: str | None = None


@dataclass(frozen=True, slots=True)
class TerminalProfile:
    """What a card-present provider tells the terminal."""

    #: The name of the provider's test card, as the virtual terminal shows it.
    test_card: str
    #: How a presented card reads for one registered operation.
    read: Callable[[Payment, Operation, PresentedCard], CardReading]
    #: An operation's status in the provider's own words (``APPROVED``, ``ABORTED`` ...).
    status_of: Callable[[Payment, Operation], str]


@dataclass(frozen=True, slots=True)
class AtTerminal:
    """What the person at the terminal does. Presenting a card with a ``pin`` enters the PIN
    too, if the card asks for one; ``abort`` and ``remove_card`` end the transaction."""

    card: PresentedCard = field(default_factory=PresentedCard)
    pin: str | None = None
    abort: bool = False
    remove_card: bool = False


class TerminalRefusal(Exception):
    """What was done does not fit the transaction's state at the terminal (nothing changed);
    ``status`` is the HTTP status an API answers it with."""

    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# --- which operation, which step ----------------------------------------------------------------


def waiting_operation(payment: Payment, operation_id: str | None) -> Operation:
    """The operation the terminal acts on: the one named, or the one that waits."""
    if operation_id is not None:
        op = payment.operation(operation_id)
        if op is None:
            raise TerminalRefusal("operation_not_found", f"no operation {operation_id}", 404)
        return op
    for op in payment.operations:
        if op.status in (OperationStatus.REGISTERED, OperationStatus.ACTION_REQUIRED):
            return op
    raise TerminalRefusal("nothing_waiting", "no transaction waits at the terminal")


def card_is_in(op: Operation) -> bool:
    """Whether the terminal waits, with the card in the reader, for the cardholder (PIN)."""
    return op.status is OperationStatus.ACTION_REQUIRED


def first_step(
    payment: Payment, op: Operation, done: AtTerminal, profile: TerminalProfile
) -> Command:
    """The command for what was done, as the operation stands (a PIN that comes with a
    presented card is the second step: ``pin_step``)."""
    if op.status is OperationStatus.REGISTERED:
        if done.abort:
            return Cancel(op.id, Reason.CANCELLED_BY_MERCHANT)
        if done.remove_card:
            raise TerminalRefusal("no_card_in_reader", "no card is in the reader")
        number = done.card.number
        if number is not None and not luhn_valid(number):
            raise TerminalRefusal("invalid_card", "the card number fails validation")
        return present(op, profile.read(payment, op, done.card))
    if card_is_in(op):
        if done.abort:
            return Resolve(op.id, cancelled(Reason.CANCELLED_BY_CARDHOLDER))
        if done.remove_card:
            return Resolve(op.id, cancelled(Reason.CARD_REMOVED))
        if done.pin is None:
            raise TerminalRefusal(
                "waiting_for_pin", "the card is in the reader: enter the PIN, remove it or abort"
            )
        return enter_pin(op, done.pin)
    if op.status is OperationStatus.PENDING:
        raise TerminalRefusal("being_processed", "the transaction is being processed")
    raise TerminalRefusal("finished", f"the transaction is finished ({op.status.value})")


def pin_step(op: Operation, done: AtTerminal) -> Command | None:
    """After a card was presented: the PIN that came with it, if the card now asks for one."""
    if done.pin is None or done.abort or done.remove_card or not card_is_in(op):
        return None
    return enter_pin(op, done.pin)


# --- the steps ----------------------------------------------------------------------------------


def present(op: Operation, reading: CardReading) -> Execute:
    """Execute the operation with the card read: at once, or waiting for the PIN."""
    card = reading.card
    state: dict[str, Any] = {
        "entry": reading.entry,
        "verification": reading.verification.value,
        "card": {**card.kept(), "holder": reading.holder},
        "pin_accepted": reading.pin_accepted,
        "pin_tries_left": PIN_TRIES,
        "pin_verified": False,
    }
    details: dict[str, Any] = {_KEY: state}
    outcome = card.outcome
    if reading.verify_first and reading.verification.asks_pin and op.kind.is_primary:
        details.update(remember_issuer_answer(outcome))
        outcome = CHALLENGE
    return Execute(op.id, outcome, details)


def enter_pin(op: Operation, pin: str) -> Resolve:
    """A PIN typed on the terminal (checked for form, never kept): the card accepts it and the
    transaction goes on, or it counts a wrong try — the last one declines."""
    if not _PIN.match(pin):
        raise TerminalRefusal("invalid_pin", "a PIN is 4 to 12 digits")
    state = dict(terminal_state(op))
    if state.get("pin_accepted", True):
        state["pin_verified"] = True
        stored = op.details.get(AFTER_AUTHENTICATION)
        after: Outcome = outcome_from_json(stored) if stored else APPROVED
        return Resolve(op.id, after, {_KEY: state})
    state["pin_tries_left"] = left = int(state.get("pin_tries_left", PIN_TRIES)) - 1
    if left <= 0:
        return Resolve(op.id, declined(Reason.PIN_TRIES_EXCEEDED), {_KEY: state})
    return Resolve(op.id, CHALLENGE, {_KEY: state})


def terminal_state(op: Operation) -> Mapping[str, Any]:
    """What the terminal learned of the card and the cardholder (empty before a card)."""
    state = op.details.get(_KEY)
    return state if isinstance(state, Mapping) else {}


def masked_card(op: Operation) -> str | None:
    """The card the terminal read for ``op``, as ``541333******0086`` (None before a card)."""
    card = terminal_state(op).get("card")
    return masked(card) if card else None


def masked(card: Mapping[str, Any]) -> str:
    """A kept card (``terminal.card`` of an operation's details) as BIN and last four."""
    return f"{card['bin']}{'*' * (int(card['length']) - 10)}{card['last4']}"
