"""Addresses of the sandbox's hosted pages, for the action objects providers hand out."""

from __future__ import annotations

ACS_PREFIX = "/_sandbox/acs/"
CHECKOUT_PREFIX = "/_sandbox/checkout/"
TERMINAL_PREFIX = "/_sandbox/terminal/"


def acs_url(origin: str, payment_id: str, operation_id: str) -> str:
    """The hosted 3-D Secure challenge page of one operation."""
    return f"{origin}{ACS_PREFIX}{payment_id}.{operation_id}"


def checkout_url(origin: str, payment_id: str) -> str:
    """The hosted payment page of an order created in hosted mode."""
    return f"{origin}{CHECKOUT_PREFIX}{payment_id}"


def terminal_url(origin: str, payment_id: str, operation_id: str) -> str:
    """The virtual card-present terminal of one registered operation (a transaction session)."""
    return f"{origin}{TERMINAL_PREFIX}{payment_id}.{operation_id}"


def split_challenge_id(challenge_id: str) -> tuple[str, str]:
    payment_id, _, operation_id = challenge_id.partition(".")
    return payment_id, operation_id
