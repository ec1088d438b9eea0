"""Access grants: a bearer token is good from its issue until its expiry on the tenant clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from psp_sandbox.simulator.engine.access import Grant, GrantExpired, check_grant, grant

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_grant_is_good_until_the_last_moment_before_its_expiry() -> None:
    issued = grant("merchant-1", NOW, HOUR)
    assert issued.expires_at == NOW + HOUR
    check_grant(issued, NOW)
    check_grant(issued, NOW + HOUR - timedelta(microseconds=1))


def test_a_grant_has_expired_at_its_expiry() -> None:
    with pytest.raises(GrantExpired) as raised:
        check_grant(grant("merchant-1", NOW, HOUR), NOW + HOUR)
    assert raised.value.expired_at == NOW + HOUR


def test_a_grant_cannot_expire_before_it_is_issued() -> None:
    with pytest.raises(ValueError, match="expires after"):
        Grant("merchant-1", NOW, NOW)
