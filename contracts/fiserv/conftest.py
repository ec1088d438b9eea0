"""Fiserv contract fixtures: the credentials and base path of the target.

Against the in-process sandbox the sandbox's documented test credentials are used. Against
Fiserv itself (``--target-url https://cert.api.firstdata.com/gateway/v2``) a test app's
credentials come from FISERV_API_KEY and FISERV_API_SECRET (and FISERV_STORE_ID when the app
has several stores).
"""

from __future__ import annotations

import os

import pytest

from psp_sandbox.client.fiserv import FiservCredentials
from psp_sandbox.contracts.target import Target

#: psp-sandbox's documented Fiserv test credentials (docs/providers/fiserv.md).
SANDBOX_CREDENTIALS = FiservCredentials(
    "PspSandboxFiservDefaultApiKey001", "PspSandboxFiservDefaultApiSecret0000000000000001"
)


@pytest.fixture(scope="session")
def credentials(target: Target) -> FiservCredentials:
    if target.sandbox:
        return SANDBOX_CREDENTIALS
    missing = [name for name in ("FISERV_API_KEY", "FISERV_API_SECRET") if not os.environ.get(name)]
    if missing:
        pytest.skip(f"a remote Fiserv target needs {', '.join(missing)}")
    return FiservCredentials(
        os.environ["FISERV_API_KEY"],
        os.environ["FISERV_API_SECRET"],
        os.environ.get("FISERV_STORE_ID") or None,
    )


@pytest.fixture(scope="session")
def base_url(target: Target) -> str:
    """Where the gateway's paths start: the sandbox's mount plus /gateway/v2, or the URL
    given (a Fiserv base URL already ends in its base path)."""
    if target.provider_in_path:
        return target.provider_url("fiserv") + "/gateway/v2"
    return target.url
