"""Tranzzo's documented test cards (tranzzo.md §2.11)."""

from __future__ import annotations

from ...engine import APPROVED
from ...outcomes.magic import MagicCard

#: "The payment may immediately get final status success, or may require 3DS/OTP
#: verification": both approve; order_3ds_bypass="never" sends them through 3-D Secure.
CARDS = {
    card.number: card
    for card in (
        MagicCard("4242424242424242", APPROVED, "Tranzzo test Visa: approved"),
        MagicCard("5454545454545454", APPROVED, "Tranzzo test Mastercard: approved"),
    )
}
