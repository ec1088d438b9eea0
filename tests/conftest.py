"""Shared fixtures of the project's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator import app as sandbox_app
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.postgres import PostgresServer, postgres_server
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.browser import browser
from tests.wheel import built_wheel

__all__ = ["admin", "browser", "built_wheel"]


@pytest.fixture
async def admin(sandbox: Sandbox) -> AsyncIterator[AsyncSandboxAdmin]:
    async with AsyncSandboxAdmin(sandbox.url, sandbox.tenant, token=sandbox.token) as client:
        yield client


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server per test process (each xdist worker has its own)."""
    with postgres_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> str:
    """A fresh, empty database on the test process's PostgreSQL server."""
    return postgres.fresh_database()


@pytest.fixture
def no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sandboxes started from here on build nothing (providers, admin API, pages) unless a
    request asks for it: the background warm-up is off."""

    async def nothing(*_mounts: object) -> None:
        return None

    monkeypatch.setattr(sandbox_app, "warm_up", nothing)


@pytest.fixture
def cold(no_warm_up: None) -> Iterator[SandboxServer]:
    """A fresh sandbox without the background warm-up."""
    with SandboxServer() as server:
        yield server
