"""pytest fixtures for psp-sandbox (loaded automatically once psp-sandbox is installed).

- ``sandbox``: the in-process sandbox (memory store, one per test session) seen through a
  fresh tenant of the test's own — repeatable ids per test with ``--sandbox-seed``; its admin
  API takes the token of ``--sandbox-admin-token`` (or PSP_SANDBOX_ADMIN_TOKEN), if one is given.
- ``webhook_sink``: a local receiver that records deliveries and answers as told.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .server import SandboxServer
from .sink import WebhookSink

TENANT_HEADER = "X-Sandbox-Tenant"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("psp-sandbox")
    group.addoption(
        "--sandbox-seed",
        type=int,
        default=0,
        help="seed of the in-process sandbox (ids and generated data repeat)",
    )
    group.addoption(
        "--sandbox-admin-token",
        default=os.environ.get("PSP_SANDBOX_ADMIN_TOKEN") or None,
        help="admin token of the sandbox (default: PSP_SANDBOX_ADMIN_TOKEN; none)",
    )


@dataclass(frozen=True)
class Sandbox:
    """One test's view of the sandbox: its URL and its own tenant."""

    url: str
    tenant: str
    server: SandboxServer
    #: The sandbox's admin token (None: its admin API needs none).
    admin_token: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Send these with provider requests to stay inside the test's tenant."""
        return {TENANT_HEADER: self.tenant}

    @property
    def admin_headers(self) -> dict[str, str]:
        """Send these with admin API requests: the test's tenant, and the token if any."""
        token = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        return {**self.headers, **token}

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"


@pytest.fixture(scope="session")
def sandbox_server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    with SandboxServer(
        seed=request.config.getoption("--sandbox-seed"),
        admin_token=request.config.getoption("--sandbox-admin-token"),
    ) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, request: pytest.FixtureRequest) -> Sandbox:
    tenant = "t-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    sandbox_server.run(sandbox_server.context.reset(tenant))
    token = sandbox_server.settings.admin_token
    return Sandbox(
        sandbox_server.url, tenant, sandbox_server, token.get_secret_value() if token else None
    )


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink
