"""The ``sandbox`` fixture gives each test its own HTTP client, all on one TLS context loaded
once per session (loading the CA bundle per test was most of the fixture's cost)."""

from __future__ import annotations

import httpx
import pytest

from psp_sandbox.simulator.testing.plugin import Sandbox, _tls_context

seen: list[httpx.Client] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_has_its_own_client_lent_to_its_admin(sandbox: Sandbox, round_: int) -> None:
    assert sandbox.http is not None
    assert sandbox.admin._http is sandbox.http
    assert not sandbox.admin._owns_http  # the fixture closes it, after the test
    assert all(client is not sandbox.http for client in seen)
    seen.append(sandbox.http)
    assert sandbox.admin.health()["status"] == "ok"


def test_the_tls_context_is_loaded_once() -> None:
    assert _tls_context() is _tls_context()
