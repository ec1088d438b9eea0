"""3-D Secure challenges: what the cardholder's choice on the hosted page turns into.

A challenged operation remembers the issuer's answer for after a successful authentication
(``after_authentication`` in its details), so a declining card still declines once the
cardholder has passed the challenge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..engine import APPROVED, Operation, Outcome, Reason, declined
from .codec import outcome_from_json, outcome_to_json

AFTER_AUTHENTICATION = "after_authentication"

#: The choices every hosted challenge page (and the admin API) accepts.
Choice = Literal["approve", "decline", "abandon"]
CHOICES: tuple[str, ...] = get_args(Choice)


@dataclass(frozen=True, slots=True)
class ChallengeChoice:
    """One button of the hosted challenge page."""

    value: str
    label: str
    #: ``approve``, ``decline`` or ``abandon``: how the button looks.
    style: str


#: The page's buttons unless a provider offers its own (ProviderPlugin.challenge_choices).
STANDARD_CHOICES: Sequence[ChallengeChoice] = (
    ChallengeChoice("approve", "Approve", "approve"),
    ChallengeChoice("decline", "Decline", "decline"),
    ChallengeChoice("abandon", "Abandon", "abandon"),
)


def accepted(offered: Sequence[ChallengeChoice]) -> tuple[str, ...]:
    """Every choice a page with these buttons accepts: its own, and the standard ones."""
    return tuple(dict.fromkeys([*(c.value for c in offered), *CHOICES]))


def remember_issuer_answer(outcome: Outcome) -> Mapping[str, Any]:
    """Details to store on a challenged operation: the issuer's answer once authenticated."""
    return {AFTER_AUTHENTICATION: outcome_to_json(outcome)}


def outcome_of_choice(operation: Operation, choice: str) -> Outcome:
    if choice == "approve":
        stored = operation.details.get(AFTER_AUTHENTICATION)
        return outcome_from_json(stored) if stored else APPROVED
    if choice == "decline":
        return declined(Reason.AUTHENTICATION_FAILED)
    if choice == "abandon":
        return declined(Reason.AUTHENTICATION_ABANDONED)
    raise ValueError(f"unknown choice {choice!r}; one of {', '.join(CHOICES)}")
