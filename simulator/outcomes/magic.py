"""The neutral magic-card table shared by every provider, and the Luhn check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..engine import APPROVED, CHALLENGE, Outcome, Reason, declined, failed, pending

#: Seconds a "pending, then ..." card waits on the tenant clock before its final result.
PENDING_DELAY_SECONDS = 5


@dataclass(frozen=True, slots=True)
class MagicCard:
    number: str
    #: The outcome the card calls for when it is authorized.
    outcome: Outcome
    description: str
    #: For a card whose outcome the amount decides: the amounts this row is about (``0xx.00``).
    amount: str | None = None
    #: What the API answers when the request meets ``condition``, where that is not
    #: ``outcome`` (a 3-D Secure test card asked to authenticate fails before authorization).
    answered: Outcome | None = None
    #: The request the listed outcome needs (empty: any request with the card).
    condition: str = ""


NEUTRAL: tuple[MagicCard, ...] = (
    MagicCard("4111111111111111", APPROVED, "approved, no 3-D Secure"),
    MagicCard("5555555555554444", APPROVED, "approved, no 3-D Secure"),
    MagicCard("4000000000000002", declined(Reason.DO_NOT_HONOUR), "declined (do not honour)"),
    MagicCard(
        "4000000000009995", declined(Reason.INSUFFICIENT_FUNDS), "declined, insufficient funds"
    ),
    MagicCard("4000000000000069", declined(Reason.EXPIRED_CARD), "declined, expired card"),
    MagicCard("4000000000000127", declined(Reason.INVALID_CVV), "declined, wrong CVV"),
    MagicCard(
        "4000000000003220",
        CHALLENGE,
        "3-D Secure challenge; the hosted page (or the admin API) decides",
    ),
    MagicCard(
        "4000000000000259",
        pending(APPROVED, PENDING_DELAY_SECONDS),
        f"pending, then approved after {PENDING_DELAY_SECONDS} s (tenant clock)",
    ),
    MagicCard(
        "4000000000000267",
        pending(declined(), PENDING_DELAY_SECONDS),
        f"pending, then declined after {PENDING_DELAY_SECONDS} s (tenant clock)",
    ),
    MagicCard("4000000000000119", failed(Reason.PROCESSOR_ERROR), "processor error"),
)

_NEUTRAL_BY_NUMBER = {card.number: card for card in NEUTRAL}


#: Each digit doubled, its digits summed (``7`` → 14 → ``5``): the Luhn check's doubling.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(number: str) -> bool:
    """Whether ``number`` is 12 to 19 ASCII digits that pass the Luhn check.

    Only ASCII digits: a card number is never written otherwise (ISO/IEC 7812), and ``int()``
    refuses some characters ``str.isdigit`` takes (``"²"``), which answered 500 once.
    """
    if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
        return False
    # Summed in C: the digits in odd places from the right as they are, the others doubled.
    digits = (number[-1::-2] + number[-2::-2].translate(_DOUBLED)).encode()
    return (sum(digits) - ord("0") * len(digits)) % 10 == 0


def card_outcome(number: str, provider_cards: Mapping[str, MagicCard] | None = None) -> Outcome:
    """The outcome a card number calls for: the provider's own table wins, then the neutral
    one; any other (Luhn-valid) number is approved."""
    card = (provider_cards or {}).get(number) or _NEUTRAL_BY_NUMBER.get(number)
    return card.outcome if card else APPROVED


def catalog(
    provider_cards: Mapping[str, MagicCard], amounts: Sequence[MagicCard] = ()
) -> list[dict[str, str]]:
    """Every magic card a provider answers to, its own first — with the amount rows of cards
    whose outcome the amount decides (for ``GET /_sandbox/magic``)."""
    own = [_describe(card, "provider") for card in (*provider_cards.values(), *amounts)]
    shared = [_describe(c, "neutral") for c in NEUTRAL if c.number not in provider_cards]
    return own + shared


def _describe(card: MagicCard, source: str) -> dict[str, str]:
    listed = card.answered or card.outcome
    row = {"card_number": card.number}
    if card.amount is not None:
        row["amount"] = card.amount
    return row | {
        "result": listed.result.value,
        "reason": listed.reason.value,
        "description": card.description,
        "condition": card.condition,
        "source": source,
    }
