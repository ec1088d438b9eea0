"""Tranzzo contract fixtures: credentials of the target.

Against the in-process sandbox the sandbox's documented test credentials are used. Against
Tranzzo itself (``--target-url https://cpay.tranzzo.com``) a test project's credentials come
from TRANZZO_POS_ID, TRANZZO_API_KEY, TRANZZO_API_SECRET and TRANZZO_ENDPOINTS_KEY.
"""

from __future__ import annotations

import os

import pytest

from psp_sandbox.client.tranzzo import TranzzoCredentials
from psp_sandbox.contracts.target import Target

#: psp-sandbox's documented Tranzzo test credentials (docs/providers/tranzzo.md).
SANDBOX_CREDENTIALS = TranzzoCredentials(
    pos_id="7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b",
    api_key="3b9e2a71-6c4d-4f80-b5e1-9d2c7a8f6e10",
    api_secret="psp-sandbox-tranzzo-test-secret1",
    endpoints_key="AIzaSyPspSandboxTranzzoEndpointsKey0001",
)
_ENV = ("TRANZZO_POS_ID", "TRANZZO_API_KEY", "TRANZZO_API_SECRET", "TRANZZO_ENDPOINTS_KEY")


@pytest.fixture(scope="session")
def credentials(target: Target) -> TranzzoCredentials:
    if target.sandbox:
        return SANDBOX_CREDENTIALS
    missing = [name for name in _ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"a remote Tranzzo target needs {', '.join(missing)}")
    return TranzzoCredentials(*(os.environ[name] for name in _ENV))
