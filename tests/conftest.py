"""Shared fixtures of the project's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.browser import browser

__all__ = ["admin", "browser"]


@pytest.fixture
async def admin(sandbox: Sandbox) -> AsyncIterator[SandboxAdmin]:
    async with SandboxAdmin(sandbox.url, sandbox.tenant) as client:
        yield client
