"""Fiserv's documented 3-D Secure test cards (Fiserv/ipg-na 3DSecureTestData.md; fiserv.md §1.8).

"The purpose of 3DS test cards is to simulate AUTHENTICATION responses ... they do not
automatically guarantee approved AUTHORIZATION": they only steer authentication; the
authorization that follows uses the neutral magic table (so they approve, except
4000000000000002 which the neutral table declines).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ...engine import APPROVED, CHALLENGE, Reason, declined
from ...outcomes.magic import MagicCard

Flow = Literal["frictionless", "challenge", "fallback", "not_enrolled"]

#: IPG's responseCode3dSecure per EMV transStatus (1=Y, 3=N or R, 4=A, 6=U).
RESPONSE_CODE: Mapping[str, str] = {"Y": "1", "N": "3", "R": "3", "A": "4", "U": "6"}
#: Statuses after which the gateway goes on to the authorization.
PASSING = frozenset({"Y", "A", "U"})


@dataclass(frozen=True, slots=True)
class Profile:
    """How authentication goes for a card."""

    name: str
    #: A 3DS method (hidden iframe) step comes first; the merchant PATCHes its status.
    method: bool
    flow: Flow
    #: The authentication result; None: the hosted ACS page decides (configurable cards).
    status: str | None


_PROFILES = (
    Profile("frictionless-Y", False, "frictionless", "Y"),
    Profile("frictionless-N", False, "frictionless", "N"),
    Profile("frictionless-A", False, "frictionless", "A"),
    Profile("frictionless-R", False, "frictionless", "R"),
    Profile("frictionless-U", False, "frictionless", "U"),
    Profile("method-frictionless-Y", True, "frictionless", "Y"),
    Profile("method-frictionless-N", True, "frictionless", "N"),
    Profile("method-frictionless-U", True, "frictionless", "U"),
    Profile("method-frictionless-A", True, "frictionless", "A"),
    Profile("method-frictionless-R", True, "frictionless", "R"),
    Profile("challenge-Y", False, "challenge", "Y"),
    Profile("challenge-R", False, "challenge", "R"),
    Profile("challenge-any", False, "challenge", None),
    Profile("method-challenge-R", True, "challenge", "R"),
    Profile("method-challenge-any", True, "challenge", None),
    Profile("fallback-R", False, "fallback", "R"),
    Profile("not-enrolled", False, "not_enrolled", "N"),
)
PROFILES: Mapping[str, Profile] = {p.name: p for p in _PROFILES}

#: Cards without a documented profile: the 3DS method, then a frictionless "Y".
DEFAULT = PROFILES["method-frictionless-Y"]
#: ... unless the merchant asks for a challenge (challengeIndicator 03, 04, 09): then the page.
CHALLENGE_ASKED = PROFILES["method-challenge-any"]
CHALLENGE_INDICATORS = frozenset({"03", "04", "09"})

_CARDS: Mapping[str, tuple[str, ...]] = {
    "frictionless-Y": ("4147463011110083", "5239290700000028"),
    "frictionless-N": ("4147463011110091", "5239290700000036"),
    "frictionless-A": ("4147463011110117", "5239290700000044"),
    "frictionless-R": ("4147463011110042", "5239290700000051"),
    "frictionless-U": ("4147463011110067", "5239290700000069", "4147463011110125"),
    "method-frictionless-Y": (
        "4012000000012011004",
        "4265880000000007",
        "4265880000000049",
        "4099000000001978",
        "5204740000002711",
    ),
    "method-frictionless-N": (
        "5426064000425117",
        "4012000000012011012",
        "5426064000425190",
        "4265880000000015",
        "4099000000001986",
        "5204740000002729",
    ),
    "method-frictionless-U": (
        "5426064000425216",
        "4012000000012011020",
        "4265880000000056",
        "4265880000000072",
        "4265880000000080",
        "5204740000002786",
        "4012001037167778",
    ),
    "method-frictionless-A": ("5426064000425208", "4149011500000519", "4265880000000023"),
    "method-frictionless-R": ("5204740000002778", "4265880000000031", "4012000000012011038"),
    "challenge-Y": ("4147463011110109",),
    "challenge-R": ("4147463011110034", "5239290700000010"),
    "challenge-any": ("4147463011110059", "5239290700000002"),
    "method-challenge-R": ("4149011500000535", "5204740000002760"),
    "method-challenge-any": (
        "5204740000002745",
        "5544330000000235",
        "4099000000001960",
        "4149011500000527",
        "4265880000000064",
        # the neutral table's challenge card: the hosted page decides
        "4000000000003220",
    ),
    "fallback-R": ("4035874000424977", "5204730000001003", "5210000010001001", "2223000280000016"),
    "not-enrolled": ("4000000000000002",),
}
_PROFILE_OF_CARD: Mapping[str, Profile] = {
    number: PROFILES[name] for name, numbers in _CARDS.items() for number in numbers
}


def profile_of(number: str, challenge_indicator: str | None = None) -> Profile:
    """The authentication profile of a card number (read once; never stored)."""
    found = _PROFILE_OF_CARD.get(number)
    if found is not None:
        return found
    return CHALLENGE_ASKED if challenge_indicator in CHALLENGE_INDICATORS else DEFAULT


def _describe(profile: Profile) -> str:
    steps = ["3-D Secure 1.0" if profile.flow == "fallback" else "3-D Secure 2"]
    if profile.method:
        steps.append("3DS method first")
    steps.append(profile.flow.replace("_", " "))
    result = (
        f"{profile.status} ({RESPONSE_CODE[profile.status]})"
        if profile.status
        else "Y, A, U, N or R chosen on the hosted ACS page"
    )
    return f"{', '.join(steps)}: {result}; authorization approved"


#: What the listed outcome of a 3-D Secure test card needs.
WITH_AUTHENTICATION = (
    "authenticationRequest sent (3-D Secure asked for); without it the card is simply authorized"
)
_FAILED = declined(Reason.AUTHENTICATION_FAILED)


def _card(number: str, profile: Profile) -> MagicCard:
    if number == "4000000000000002":
        return MagicCard(
            number,
            declined(Reason.DO_NOT_HONOUR),
            "3-D Secure 1.0 not enrolled (3/N); the authorization is declined (do not honour)",
        )
    if number == "4000000000003220":
        return MagicCard(
            number,
            CHALLENGE,
            "3-D Secure method, then a challenge the hosted page decides (Y, A, U, N or R) — "
            "only when authenticationRequest is sent",
            condition=WITH_AUTHENTICATION,
        )
    if profile.status in ("N", "R"):
        return MagicCard(
            number,
            APPROVED,
            _describe(profile).replace(
                "authorization approved", "409 50716 (3D Secure authentication failed)"
            ),
            answered=_FAILED,
            condition=WITH_AUTHENTICATION,
        )
    return MagicCard(number, APPROVED, _describe(profile), condition=WITH_AUTHENTICATION)


#: The plugin's magic-card catalog: every documented 3-D Secure test card, and the neutral
#: challenge card as Fiserv answers it (a challenge only when 3-D Secure is asked for).
CARDS: Mapping[str, MagicCard] = {
    number: _card(number, profile) for number, profile in _PROFILE_OF_CARD.items()
}
