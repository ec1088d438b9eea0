"""pytest fixtures and options for psp-sandbox (loaded automatically once it is installed).

- ``sandbox``: a sandbox seen through a fresh tenant of the test's own, with a blocking admin
  client for that tenant (``sandbox.admin.advance_clock(5)``). By default the sandbox runs
  in-process (memory store, one per test session, ids repeat with ``--sandbox-seed``);
  ``--sandbox-url URL`` or ``PSP_SANDBOX_URL`` points it at one already running (docker).
  ``--sandbox-token`` or ``PSP_SANDBOX_ADMIN_TOKEN``: the admin token the admin client sends
  (and the in-process sandbox then requires).
- ``webhook_sink``: a local receiver that records deliveries and answers as told.

The fixtures are plain functions: they need no asyncio plugin, and work beside pytest-asyncio
in strict or auto mode. The contract suites' options (``--target-url``) live here too, so that
``pytest --pyargs psp_sandbox.contracts.<provider>`` knows them.
"""

from __future__ import annotations

import hashlib
import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import httpx
import pytest

from psp_sandbox.client.sandbox import (
    TENANT_HEADER,
    TOKEN_HEADER,
    SandboxAdmin,
    SandboxApiError,
    SandboxError,
)

if TYPE_CHECKING:  # imported when first used: a test run without the fixtures stays light
    from .server import SandboxServer
    from .sink import WebhookSink

URL_VARIABLE = "PSP_SANDBOX_URL"
TOKEN_VARIABLE = "PSP_SANDBOX_ADMIN_TOKEN"
WEBHOOK_HOST_VARIABLE = "PSP_SANDBOX_WEBHOOK_HOST"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("psp-sandbox")
    group.addoption(
        "--sandbox-seed",
        type=int,
        default=0,
        help="seed of the in-process sandbox (ids and generated data repeat)",
    )
    group.addoption(
        "--sandbox-url",
        default=os.environ.get(URL_VARIABLE),
        help=f"use the sandbox running at this URL instead of an in-process one (${URL_VARIABLE})",
    )
    group.addoption(
        "--sandbox-token",
        default=os.environ.get(TOKEN_VARIABLE),
        help="admin token of the sandbox, if it has one; the in-process sandbox then requires"
        f" it too (${TOKEN_VARIABLE})",
    )
    group.addoption(
        "--webhook-host",
        default=os.environ.get(WEBHOOK_HOST_VARIABLE),
        help="host name a sandbox in a container reaches this machine by (e.g."
        " host.docker.internal); webhook_sink then listens on every interface"
        f" (${WEBHOOK_HOST_VARIABLE})",
    )
    contracts = parser.getgroup("contracts", "psp-sandbox contract suites")
    contracts.addoption(
        "--target-url",
        default=os.environ.get("PSP_CONTRACT_TARGET_URL"),
        help="base URL of the implementation under test (default: an in-process sandbox)",
    )
    contracts.addoption(
        "--target-is-sandbox",
        action="store_true",
        default=False,
        help="the --target-url is a psp-sandbox (its admin API may be used)",
    )


@dataclass
class Sandbox:
    """One test's view of the sandbox: its URL, its own tenant, and an admin client for it."""

    url: str
    tenant: str
    #: The in-process server, when the sandbox runs in-process (for white-box checks).
    server: SandboxServer | None = None
    #: The sandbox's admin token, when it has one (``--sandbox-token``).
    token: str | None = None
    #: The HTTP client the admin client sends with (lent, not closed by it), if not its own.
    http: httpx.Client | None = None
    #: Blocking admin client acting on the test's tenant: ``sandbox.admin.payments()``.
    admin: SandboxAdmin = field(init=False)

    def __post_init__(self) -> None:
        self.admin = SandboxAdmin(self.url, self.tenant, token=self.token, http=self.http)

    @property
    def headers(self) -> dict[str, str]:
        """Send these with provider requests to stay inside the test's tenant."""
        return {TENANT_HEADER: self.tenant}

    @property
    def admin_headers(self) -> dict[str, str]:
        """Send these with raw admin API requests: the test's tenant, and the token if any."""
        token = {TOKEN_HEADER: f"Bearer {self.token}"} if self.token else {}
        return {**self.headers, **token}

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"


@pytest.fixture(scope="session")
def sandbox_server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """The in-process sandbox (started on first use, stopped at the end of the session)."""
    from .server import SandboxServer

    with SandboxServer(
        seed=request.config.getoption("--sandbox-seed"),
        admin_token=request.config.getoption("--sandbox-token") or None,
    ) as server:
        yield server


@pytest.fixture(scope="session")
def sandbox_url(request: pytest.FixtureRequest) -> str:
    """The root URL of the sandbox the tests use: ``--sandbox-url``, or the in-process one."""
    url: str | None = request.config.getoption("--sandbox-url")
    if not url:
        server: SandboxServer = request.getfixturevalue("sandbox_server")
        return server.url
    url = url.rstrip("/")
    with SandboxAdmin(url, timeout=10, token=request.config.getoption("--sandbox-token")) as admin:
        try:
            admin.health()
        except SandboxError as error:
            pytest.fail(f"no psp-sandbox answers at --sandbox-url {url}: {error}", pytrace=False)
    return url


#: Tenants this session's in-process sandbox has lent to a test: only they can hold state.
_LENT = pytest.StashKey[set[str]]()


@pytest.fixture
def sandbox(sandbox_url: str, request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    tenant = "t-" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    in_process = not request.config.getoption("--sandbox-url")
    server = request.getfixturevalue("sandbox_server") if in_process else None
    token = request.config.getoption("--sandbox-token") or None
    # A sandbox that started empty with the session holds nothing for a tenant it has not lent
    # yet, and resetting that tenant was most of what the fixture cost. A running sandbox may
    # hold state from earlier sessions, and a test run again (a rerun plugin) its own.
    lent = request.config.stash.setdefault(_LENT, set())
    fresh = server is not None and server.starts_empty and tenant not in lent
    lent.add(tenant)
    # A fresh client per test (no connection or cookie outlives it), on one TLS context: loading
    # the CA bundle for every test was most of what the fixture cost (~30 ms a test).
    with httpx.Client(timeout=60.0, verify=_tls_context()) as http:
        view = Sandbox(sandbox_url, tenant, server, token, http)
        with view.admin:
            try:
                if not fresh:
                    view.admin.reset()
            except SandboxApiError as refused:
                if refused.status != 401:
                    raise
                pytest.fail(
                    f"the sandbox at {sandbox_url} refused its admin token ({refused.message}): "
                    f"give the one it was started with as --sandbox-token or ${TOKEN_VARIABLE}",
                    pytrace=False,
                )
            yield view


@cache
def _tls_context() -> ssl.SSLContext:
    """The default TLS context (httpx's: certifi's CA bundle), loaded once per session."""
    return httpx.create_ssl_context()


@pytest.fixture
def webhook_sink(request: pytest.FixtureRequest) -> Iterator[WebhookSink]:
    from .sink import WebhookSink

    with WebhookSink(public_host=request.config.getoption("--webhook-host")) as sink:
        yield sink
