"""payworks contract fixtures: the target's API credentials and merchant, and its OpenAPI
document.

Against the in-process sandbox the sandbox's documented test credentials and merchant are
used. Against another target (``--target-url https://test.payworks.io``) they come from
PAYWORKS_API_IDENTIFIER, PAYWORKS_API_SECRET_KEY and PAYWORKS_MERCHANT_IDENTIFIER. Executing a
transaction takes payworks' app and a card reader, so the rules that need one run against a
psp-sandbox target only (its admin API stands in for the app); the rest checks any target.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis

from psp_sandbox.client.payworks import PayworksCredentials
from psp_sandbox.contracts.target import Target

#: psp-sandbox's documented payworks test credentials and merchant (docs/providers/payworks.md).
SANDBOX_CREDENTIALS = PayworksCredentials(
    "6a1d6e2c-0f5b-4a8e-9c3d-7e2f1b4a5c60", "PspSandboxPayworksTestSecret0001"
)
SANDBOX_MERCHANT = "4b3c5d6e-7f80-4a1b-9c2d-3e4f5a6b7c8d"
_ENV = ("PAYWORKS_API_IDENTIFIER", "PAYWORKS_API_SECRET_KEY", "PAYWORKS_MERCHANT_IDENTIFIER")


@pytest.fixture(scope="session")
def account(target: Target) -> tuple[PayworksCredentials, str]:
    """The credentials and the merchant the suite registers transactions for."""
    if target.sandbox and not os.environ.get(_ENV[0]):
        return SANDBOX_CREDENTIALS, SANDBOX_MERCHANT
    missing = [name for name in _ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"a remote payworks target needs {', '.join(missing)}")
    identifier, secret, merchant = (os.environ[name] for name in _ENV)
    return PayworksCredentials(identifier, secret), merchant


def base_url(target: Target) -> str:
    """Where ``/v2/...`` lives on the target."""
    return target.provider_url("payworks")


@pytest.fixture(scope="session")
def payworks_schema(target: Target) -> Any:
    if not target.sandbox:
        pytest.skip("the OpenAPI document is psp-sandbox's (payworks publishes none)")
    return schemathesis.openapi.from_url(f"{base_url(target)}/openapi.json")
