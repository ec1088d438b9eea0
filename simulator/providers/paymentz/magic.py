"""Paymentz's test cards: those its integrations use against the gateways' test hosts.

paymentz.md §3.8: 4111110000000021 (Payreto and Transactworld samples), 4000000000000051
(Shimotomo sample) and 5105105105105100 (Payreto's REST page) are approved. Paymentz documents
no decline triggers: the neutral table (outcomes/magic.py) supplies them.
"""

from __future__ import annotations

from ...engine import APPROVED
from ...outcomes.magic import MagicCard

CARDS = {
    card.number: card
    for card in (
        MagicCard("4111110000000021", APPROVED, "approved (Payreto and Transactworld samples)"),
        MagicCard("4000000000000051", APPROVED, "approved (Shimotomo sample)"),
        MagicCard("5105105105105100", APPROVED, "approved (Payreto REST page)"),
    )
}
