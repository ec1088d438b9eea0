"""3-D Secure with the gateway as 3DS server (fiserv.md §1.7): each step as an engine outcome.

A payment asking for authentication goes, by its card's profile (magic.py):

- frictionless: the result at once (Y, A, U authorize; N, R decline with 50716);
- 3DS method: WAITING ("?:waiting 3dsecureMethod") until the merchant PATCHes
  ``methodNotificationStatus``, then frictionless or a challenge;
- challenge: WAITING with ``params{acsURL, termURL, cReq}``; ``acsURL`` is the sandbox's hosted
  ACS page, which posts ``cres`` to ``termURL``; the merchant PATCHes ``acsResponse.cRes`` and
  only then is the authorization made (3DS 1.0 fallback: ``PaRes``/``MD``, then
  ``payerAuthenticationResponse``).

The engine sees one primary operation: PENDING (method), ACTION_REQUIRED (challenge), PENDING
(authenticated, waiting for the merchant's PATCH), then its result. A step left unfinished
ends, after its wait on the tenant clock, as declined 5103 ("used for 3DSecure waiting to
declined").
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ...engine import (
    APPROVED,
    CHALLENGE,
    Operation,
    OperationStatus,
    Outcome,
    Reason,
    Result,
    declined,
    pending,
)
from ...outcomes.challenge import (
    AFTER_AUTHENTICATION,
    STANDARD_CHOICES,
    ChallengeChoice,
    remember_issuer_answer,
)
from ...outcomes.codec import outcome_from_json, outcome_to_json
from .magic import PASSING, PROFILES, RESPONSE_CODE, Profile

#: How long a 3DS method or a finished challenge waits for the merchant's PATCH (sandbox).
METHOD_WAIT_SECONDS = 600
FINALIZE_WAIT_SECONDS = 600
TIMED_OUT = declined(Reason.AUTHENTICATION_ABANDONED)
FAILED = declined(Reason.AUTHENTICATION_FAILED)

#: Where in the flow an operation is (None: it is not authenticating).
METHOD, CHALLENGED, AUTHENTICATED = "method", "challenge", "authenticated"

Details = dict[str, Any]


def b64url(data: Mapping[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def issuer_answer(card_outcome: Outcome) -> Outcome:
    """What the authorization after a passed authentication ends as."""
    return APPROVED if card_outcome.result is Result.CHALLENGE else card_outcome


def _result(status: str, after: Outcome) -> Outcome:
    return after if status in PASSING else FAILED


def _state(op: Operation) -> Details:
    return dict(op.details.get("threeds") or {})


def phase_of(op: Operation) -> str | None:
    state = _state(op)
    if op.status is OperationStatus.ACTION_REQUIRED:
        return CHALLENGED
    if op.status is OperationStatus.PENDING and state.get("phase") in (METHOD, AUTHENTICATED):
        return str(state["phase"])
    return None


def version_of(op: Operation) -> str:
    return str(_state(op).get("version", "2.1"))


def start(
    profile: Profile,
    after: Outcome,
    *,
    term_url: str | None,
    method_url: str | None,
    window: str | None,
    server_trans_id: str,
    acs_trans_id: str,
) -> tuple[Outcome, Details]:
    """The primary operation's outcome and details when authentication is asked for."""
    state: Details = {
        "profile": profile.name,
        "version": "1.0" if profile.flow in ("fallback", "not_enrolled") else "2.1",
        "server_trans_id": server_trans_id,
        "acs_trans_id": acs_trans_id,
        "term_url": term_url,
        "method_url": method_url,
        "window": window or "01",
    }
    details: Details = {**remember_issuer_answer(after)}
    if profile.flow == "not_enrolled":  # processed as without 3-D Secure
        return after, {**details, "threeds": {**state, "status": profile.status}}
    if profile.method:
        return pending(TIMED_OUT, METHOD_WAIT_SECONDS), {
            **details,
            "threeds": {**state, "phase": METHOD},
        }
    return _without_method(profile, after, state, details)


def _without_method(
    profile: Profile, after: Outcome, state: Details, details: Details
) -> tuple[Outcome, Details]:
    if profile.flow == "frictionless":
        assert profile.status is not None
        return _result(profile.status, after), {
            **details,
            "threeds": {**state, "status": profile.status},
        }
    return CHALLENGE, {**details, "threeds": {**state, "phase": CHALLENGED}}


def after_method(op: Operation) -> tuple[Outcome, Details]:
    """The merchant reported the 3DS method: frictionless result, or a challenge."""
    state = _state(op)
    profile = PROFILES[state["profile"]]
    return _without_method(profile, _after(op), state, {})


#: What a configurable card's page choice authenticates as (Approve and Decline stand for Y, N).
_STATUS_OF_CHOICE: Mapping[str, str] = {
    "approve": "Y", "decline": "N", "Y": "Y", "A": "A", "U": "U", "N": "N", "R": "R",
}  # fmt: skip

#: The hosted ACS page of a "challenge configurable" card: the tester picks the transStatus.
CONFIGURABLE_CHOICES = (
    ChallengeChoice("approve", "Authenticated (Y)", "approve"),
    ChallengeChoice("A", "Attempted (A)", "approve"),
    ChallengeChoice("U", "Unavailable (U)", "approve"),
    ChallengeChoice("decline", "Not authenticated (N)", "decline"),
    ChallengeChoice("R", "Rejected (R)", "decline"),
    ChallengeChoice("abandon", "Abandon", "abandon"),
)


def choices(op: Operation) -> Sequence[ChallengeChoice]:
    """The ACS page's buttons: the transStatus itself for configurable cards."""
    profile = PROFILES.get(_state(op).get("profile", ""))
    configurable = profile is not None and profile.status is None
    return CONFIGURABLE_CHOICES if configurable else STANDARD_CHOICES


def authenticated(op: Operation, choice: str) -> tuple[Outcome, Details]:
    """The cardholder finished the hosted ACS page: remember the result for the PATCH."""
    state = _state(op)
    profile = PROFILES.get(state.get("profile", ""))
    if choice == "abandon":
        status, final = "N", TIMED_OUT
    else:
        fixed = profile.status if profile is not None else None
        status = fixed or _STATUS_OF_CHOICE.get(choice, "N")
        final = _result(status, _after(op))
    state.update(phase=AUTHENTICATED, status=status, final=outcome_to_json(final))
    return pending(TIMED_OUT, FINALIZE_WAIT_SECONDS), {"threeds": state}


def hosted(profile: Profile, after: Outcome) -> tuple[Outcome, Details]:
    """3-D Secure run by the gateway's own hosted payment page (a payment link): no method step
    and no merchant PATCH — a challenge ends when the cardholder leaves the ACS page."""
    version = "1.0" if profile.flow in ("fallback", "not_enrolled") else "2.1"
    state: Details = {"profile": profile.name, "version": version, "hosted": True}
    details: Details = {**remember_issuer_answer(after)}
    if profile.flow == "not_enrolled":
        return after, {**details, "threeds": {**state, "status": profile.status}}
    if profile.flow == "frictionless":
        assert profile.status is not None
        return _result(profile.status, after), {
            **details,
            "threeds": {**state, "status": profile.status},
        }
    return CHALLENGE, {**details, "threeds": {**state, "phase": CHALLENGED}}


def is_hosted(op: Operation) -> bool:
    return bool(_state(op).get("hosted"))


def finalize(op: Operation) -> tuple[Outcome, Details]:
    """The merchant sent the ACS result (cRes or PaRes): the authorization happens now."""
    state = _state(op)
    final = outcome_from_json(state.pop("final"))
    state.pop("phase", None)
    return final, {"threeds": state}


def external(status: str | None, after: Outcome) -> tuple[Outcome, Details]:
    """``authenticationResult`` from the merchant's own 3DS provider: Y and A proceed, any
    other value is declined by the gateway."""
    value = status or "N"
    outcome = after if value in ("Y", "A") else FAILED
    return outcome, {"threeds": {"external": True, "status": value, "version": "2.1"}}


def _after(op: Operation) -> Outcome:
    stored = op.details.get(AFTER_AUTHENTICATION)
    return outcome_from_json(stored) if stored else APPROVED


# --- what the merchant and the browser are handed ---------------------------------------------


def response_code(op: Operation) -> str | None:
    status = _state(op).get("status")
    return RESPONSE_CODE.get(status) if isinstance(status, str) else None


def creq(op: Operation) -> str:
    state = _state(op)
    return b64url(
        {
            "threeDSServerTransID": state.get("server_trans_id", op.id),
            "acsTransID": state.get("acs_trans_id", op.id),
            "challengeWindowSize": state.get("window", "01"),
            "messageType": "CReq",
            "messageVersion": "2.1.0",
        }
    )


def cres(op: Operation) -> str:
    state = _state(op)
    return b64url(
        {
            "threeDSServerTransID": state.get("server_trans_id", op.id),
            "acsTransID": state.get("acs_trans_id", op.id),
            "messageType": "CRes",
            "messageVersion": "2.1.0",
            "transStatus": state.get("status", "N"),
        }
    )


def pareq(op: Operation) -> str:
    return b64url({"messageType": "PAReq", "xid": _state(op).get("acs_trans_id", op.id)})


def pares(op: Operation) -> str:
    state = _state(op)
    return b64url(
        {"messageType": "PARes", "xid": state.get("acs_trans_id", op.id), "status": state["status"]}
    )


def merchant_data(op: Operation) -> str:
    return f"MD{op.id}"


def method_form(op: Operation, action: str) -> str:
    """The hidden iframe and auto-submitted form of the 3DS method (as documented)."""
    state = _state(op)
    data = b64url(
        {
            "threeDSServerTransID": state.get("server_trans_id", op.id),
            "threeDSMethodNotificationURL": state.get("method_url") or "",
        }
    )
    value = html.escape(data)
    return (
        '<!DOCTYPE iframe SYSTEM "about:legacy-compat"><iframe id="tdsMmethodTgtFrame" '
        'name="tdsMmethodTgtFrame" style="width: 1px; height: 1px; display: none;" '
        'src="javascript:false;" xmlns="http://www.w3.org/1999/xhtml"><!--.--></iframe>'
        f'<form id="tdsMmethodForm" name="tdsMmethodForm" action="{html.escape(action)}" '
        'method="post" target="tdsMmethodTgtFrame" xmlns="http://www.w3.org/1999/xhtml">'
        f'<input type="hidden" name="3DSMethodData" value="{value}"/>'
        f'<input type="hidden" name="threeDSMethodData" value="{value}"/></form>'
        '<script type="text/javascript" xmlns="http://www.w3.org/1999/xhtml">'
        'document.getElementById("tdsMmethodForm").submit(); </script>'
    )


def method_notification(method_data: str) -> tuple[str, dict[str, str]] | None:
    """What the (simulated) ACS posts back after the 3DS method: the notification URL and its
    ``threeDSMethodData`` (Base64 JSON with the 3DS server's transaction id)."""
    try:
        padded = method_data + "=" * (-len(method_data) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    url = data.get("threeDSMethodNotificationURL")
    trans_id = data.get("threeDSServerTransID")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    return url, {"threeDSMethodData": b64url({"threeDSServerTransID": str(trans_id)})}
