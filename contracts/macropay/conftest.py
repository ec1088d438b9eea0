"""Macropay contract fixtures: the target's x-api-key, and its OpenAPI document.

Against the in-process sandbox the sandbox's documented test key is used. Against another
target (``--target-url``) the key comes from MACROPAY_API_KEY. Revup's own test platform only
takes the SDK's ciphered card blob, so the card-paying rules can run against a psp-sandbox
target only (``--target-is-sandbox``); the rest checks any implementation.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis

from psp_sandbox.contracts.target import Target

#: psp-sandbox's documented Macropay test key (docs/providers/macropay.md).
SANDBOX_API_KEY = "psp-sandbox-macropay-test-key-0001"


@pytest.fixture(scope="session")
def api_key(target: Target) -> str:
    if target.sandbox and not os.environ.get("MACROPAY_API_KEY"):
        return SANDBOX_API_KEY
    key = os.environ.get("MACROPAY_API_KEY")
    if not key:
        pytest.skip("a remote Macropay target needs MACROPAY_API_KEY")
    return key


def base_url(target: Target) -> str:
    """Where ``/v2/...`` lives on the target."""
    return target.provider_url("macropay")


@pytest.fixture(scope="session")
def macropay_schema(target: Target) -> Any:
    if not target.sandbox:
        pytest.skip("the OpenAPI document is psp-sandbox's (Revup publishes none)")
    return schemathesis.openapi.from_url(f"{base_url(target)}/openapi.json")
