"""Macropay's magic cards: Revup documents no test cards, so only the sandbox's own extras.

The neutral table (outcomes/magic.py) applies as it is. One card adds what only Revup does:
a payment whose first MID declines and whose fallback MID approves, so that the callback to
``redirectUrl`` lists two transactions, the failed attempt first (macropay.md §2.9).
"""

from __future__ import annotations

from ...engine import APPROVED
from ...outcomes.magic import MagicCard

FALLBACK_CARD = "4000000000001018"

CARDS = {
    card.number: card
    for card in (
        MagicCard(
            FALLBACK_CARD,
            APPROVED,
            "first MID declines, the fallback MID approves: the callback lists both attempts",
        ),
    )
}
