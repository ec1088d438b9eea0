"""Paymentz contract fixtures: the target's member, and its OpenAPI document.

Against the in-process sandbox the sandbox's documented test member is used. Against another
target (``--target-url https://preprod.<brand>``) the member comes from PAYMENTZ_MEMBER_ID and
PAYMENTZ_SECURE_KEY. The OpenAPI document is psp-sandbox's (PZ publishes none), so the
schemathesis suite checks psp-sandbox targets only.
"""

from __future__ import annotations

import importlib
import os
import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis.errors import HypothesisWarning

from psp_sandbox.client.paymentz import PaymentzCredentials
from psp_sandbox.contracts.target import Target

# Imported at collection, as the Macropay suite explains: CPython 3.11.7's parser can fail on
# lazy imports deep inside a running Hypothesis test.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", HypothesisWarning)
    for _module in (
        "schemathesis.specs.openapi.schemas",
        "schemathesis.generation.body_overrides",
        "schemathesis.generation.dictionaries",
        "schemathesis.engine.errors",
        "hypothesis.internal.conjecture.optimiser",
        "hypothesis.strategies._internal.flatmapped",
        "hypothesis.strategies._internal.random",
        "hypothesis.strategies._internal.regex",
    ):
        importlib.import_module(_module)

#: psp-sandbox's documented Paymentz test member (docs/providers/paymentz.md).
SANDBOX_CREDENTIALS = PaymentzCredentials("11344", "PspSandboxPaymentzTestSecureKey1")
_ENV = ("PAYMENTZ_MEMBER_ID", "PAYMENTZ_SECURE_KEY")


@pytest.fixture(scope="session")
def credentials(target: Target) -> PaymentzCredentials:
    if target.sandbox and not os.environ.get(_ENV[0]):
        return SANDBOX_CREDENTIALS
    missing = [name for name in _ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"a remote Paymentz target needs {', '.join(missing)}")
    return PaymentzCredentials(*(os.environ[name] for name in _ENV))


def base_url(target: Target) -> str:
    """Where ``/transactionServices/REST/v1/...`` lives on the target."""
    return target.provider_url("paymentz")


@pytest.fixture(scope="session")
def paymentz_schema(target: Target) -> Any:
    if not target.sandbox:
        pytest.skip("the OpenAPI document is psp-sandbox's (PZ publishes none)")
    return schemathesis.openapi.from_url(f"{base_url(target)}/openapi.json")
