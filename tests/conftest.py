"""Shared fixtures of the project's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.browser import browser
from tests.wheel import built_wheel

__all__ = ["admin", "browser", "built_wheel"]


@pytest.fixture
async def admin(sandbox: Sandbox) -> AsyncIterator[AsyncSandboxAdmin]:
    async with AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as client:
        yield client
