"""Access grants: a bearer token's lifetime, from its issue to its expiry on the tenant clock.

A provider that hands out session tokens (an auth-token endpoint, then a header on every call)
issues a grant and encodes it in its own token format; each later call decodes the grant and
checks it against the tenant's clock, so moving a tenant's time expires its tokens as the real
hour would. The grant holds no secret and no state: the token carries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


class GrantExpired(Exception):
    """The token's time is up: the caller must fetch a new one."""

    def __init__(self, expired_at: datetime) -> None:
        super().__init__(f"expired at {expired_at.isoformat()}")
        self.expired_at = expired_at


@dataclass(frozen=True, slots=True)
class Grant:
    #: Who the token speaks for (a login name, a member id ...).
    subject: str
    issued_at: datetime
    expires_at: datetime

    def __post_init__(self) -> None:
        if self.expires_at <= self.issued_at:
            raise ValueError("a grant expires after it is issued")


def grant(subject: str, now: datetime, lifetime: timedelta) -> Grant:
    """A grant for ``subject``, issued ``now``, good for ``lifetime``."""
    return Grant(subject, now, now + lifetime)


def check_grant(grant: Grant, now: datetime) -> None:
    """Raise GrantExpired once ``now`` has reached the grant's expiry."""
    if now >= grant.expires_at:
        raise GrantExpired(grant.expires_at)
