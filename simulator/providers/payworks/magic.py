"""The payworks Test Card: presented on the terminal, its amount decides what happens.

payworks' table (payworks.md §1.8, mpymnt /testcard), for whole amounts: the hundreds decide
the result (``0xx.00`` approve online, ``1xx.00`` decline at once, ``2xx.00`` decline after
online authorisation, ``3xx.00`` blocked card, ``>= 1000.00`` approve), the tens the cardholder
verification (``x0x`` none, ``x1x`` signature, ``x2x`` offline PIN, ``x3x`` offline PIN and
signature, ``x4x`` online PIN), the units the offline PIN check (``xx0`` accepted, ``xx1``
refused on every try). What the table leaves open is sandbox-defined (docs/fidelity): amounts
with cents, hundreds 4 to 9 and tens 5 to 9, offline PIN over contactless, refunds. Any other
card presented follows the neutral magic table, without verification.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...engine import APPROVED, Operation, Outcome, Payment, Reason, declined
from ...engine.money import to_decimal
from ...outcomes.card import read_card
from ...outcomes.magic import MagicCard
from ...outcomes.terminal import CardReading, Entry, PresentedCard, TerminalProfile, Verification
from . import mapping

TEST_CARD_NAME = "payworks Test Card"
#: A Mastercard number that masks as in payworks' own example (``541333******0086``).
TEST_CARD = "5413330000080086"
TEST_CARD_EXPIRY = (12, 2049)
TEST_CARD_HOLDER = "PAYWORKS TEST CARD"

V = Verification
_BY_TENS: dict[int, Verification] = {
    0: V.NONE,
    1: V.SIGNATURE,
    2: V.OFFLINE_PIN,
    3: V.OFFLINE_PIN_AND_SIGNATURE,
    4: V.ONLINE_PIN,
}
_OFFLINE_PIN = (V.OFFLINE_PIN, V.OFFLINE_PIN_AND_SIGNATURE)


@dataclass(frozen=True, slots=True)
class Behaviour:
    """What the Test Card does for one amount."""

    outcome: Outcome
    verification: Verification = V.NONE
    #: False: the card answers before any verification (declined at once, blocked).
    verify_first: bool = True
    pin_accepted: bool = True


def behaviour(amount: int, currency: str, entry: Entry) -> Behaviour:
    """The Test Card's answer to a charge of ``amount`` (minor units) presented by ``entry``."""
    major = to_decimal(amount, currency)
    if major != major.to_integral_value():
        return Behaviour(APPROVED)  # cents: outside the table, the neutral rules apply
    whole = int(major)
    verification = _BY_TENS.get(whole // 10 % 10, V.NONE)
    if entry == "contactless" and verification in _OFFLINE_PIN:
        verification = V.ONLINE_PIN  # a contactless card is never asked for its offline PIN
    pin_accepted = not (whole % 10 == 1 and verification in _OFFLINE_PIN)
    hundreds = whole // 100 if whole < 1000 else 0
    match hundreds:
        case 1:
            return Behaviour(declined(Reason.CARD_DECLINED), verification, verify_first=False)
        case 2:
            return Behaviour(declined(Reason.DO_NOT_HONOUR), verification, True, pin_accepted)
        case 3:
            return Behaviour(declined(Reason.CARD_BLOCKED), verification, verify_first=False)
    return Behaviour(APPROVED, verification, True, pin_accepted)


def read(payment: Payment, op: Operation, presented: PresentedCard) -> CardReading:
    """The terminal's reading of a card presented for a registered transaction."""
    today = payment.updated_at.date()
    if presented.number is not None:
        return CardReading(read_card(presented.number, None, None, today), presented.entry)
    if not op.kind.is_primary:
        # A refund pays money back: the card is read, the cardholder is not verified.
        card = read_card(TEST_CARD, *TEST_CARD_EXPIRY, today)
        return CardReading(card, presented.entry, holder=TEST_CARD_HOLDER)
    found = behaviour(op.amount, payment.currency, presented.entry)
    return CardReading(
        card=read_card(TEST_CARD, *TEST_CARD_EXPIRY, today, _as_magic(found.outcome)),
        entry=presented.entry,
        verification=found.verification,
        verify_first=found.verify_first,
        pin_accepted=found.pin_accepted,
        holder=TEST_CARD_HOLDER,
    )


def _as_magic(outcome: Outcome) -> dict[str, MagicCard]:
    return {TEST_CARD: MagicCard(TEST_CARD, outcome, TEST_CARD_NAME)}


def _status_of(payment: Payment, op: Operation) -> str:
    return mapping.status_of(op)


PROFILE = TerminalProfile(TEST_CARD_NAME, read, _status_of)


def _row(amount: str, outcome: Outcome, description: str) -> MagicCard:
    return MagicCard(TEST_CARD, outcome, f"{TEST_CARD_NAME}: {description}", amount)


#: The table as ``GET /_sandbox/magic`` and docs/magic-values.md list it.
AMOUNTS: tuple[MagicCard, ...] = (
    _row("0xx.00", APPROVED, "authorised online and approved"),
    _row("1xx.00", declined(Reason.CARD_DECLINED), "declined at once, before any verification"),
    _row("2xx.00", declined(Reason.DO_NOT_HONOUR), "declined after online authorisation"),
    _row("3xx.00", declined(Reason.CARD_BLOCKED), "blocked card (processing restrictions)"),
    _row("4xx.00 to 9xx.00", APPROVED, "approved (not in payworks' table; sandbox-defined)"),
    _row(">= 1000.00", APPROVED, "approved"),
    _row("x0x.00", APPROVED, "no cardholder verification (customerVerification NONE)"),
    _row("x1x.00", APPROVED, "signature (SIGNATURE)"),
    _row("x2x.00", APPROVED, "offline PIN (PIN); tapped: online PIN"),
    _row("x3x.00", APPROVED, "offline PIN and signature (PIN_AND_SIGNATURE); tapped: online PIN"),
    _row("x4x.00", APPROVED, "online PIN (PIN), as for contactless"),
    _row("x5x.00 to x9x.00", APPROVED, "no cardholder verification (sandbox-defined)"),
    _row("xx0.00", APPROVED, "the offline PIN is accepted"),
    _row(
        "xx1.00",
        declined(Reason.PIN_TRIES_EXCEEDED),
        "the offline PIN is refused on every try; the third wrong PIN declines",
    ),
    _row("with cents", APPROVED, "outside the table: approved (queued outcomes still apply)"),
)
