"""Target selection for the contract suites (their options live in the psp-sandbox pytest
plugin, so that ``pytest --pyargs psp_sandbox.contracts.<provider>`` knows them).

By default every suite runs against the sandbox the plugin's fixtures use: in-process, or the
one ``--sandbox-url`` names. ``--target-url URL`` (or the
``PSP_CONTRACT_TARGET_URL`` environment variable) points one provider's suite at any other
implementation — a provider's real test platform with a test project's credentials taken from
environment variables (see each provider's ``conftest.py``), or a sandbox running elsewhere::

    pytest contracts/tranzzo --target-url https://cpay.tranzzo.com

Rules a remote target cannot be driven into (virtual time, queued outcomes, webhooks to a
local receiver) are checked only where the target offers them: a suite asks ``target.admin``.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator

import pytest
from hypothesis.errors import HypothesisWarning

from psp_sandbox.contracts.target import Target

# pytest rewrites Hypothesis' and schemathesis' modules as they are imported, and with
# PYTHONDONTWRITEBYTECODE nothing is cached, so every lazy import parses source. CPython 3.11.7's
# parser can fail ("AST constructor recursion depth mismatch") when that happens deep inside a
# running Hypothesis test: import now, at collection, what those runs import lazily.
with warnings.catch_warnings():
    # Hypothesis warns that its regex module reads its character map at conftest import.
    warnings.simplefilter("ignore", HypothesisWarning)
    for _module in (
        "schemathesis.specs.openapi.schemas",
        "schemathesis.generation.body_overrides",
        "schemathesis.generation.dictionaries",
        "schemathesis.engine.errors",
        "schemathesis.transport.asgi",
        "schemathesis.transport.wsgi",
        "hypothesis.internal.conjecture.optimiser",
        "hypothesis.strategies._internal.flatmapped",
        "hypothesis.strategies._internal.random",
        "hypothesis.strategies._internal.regex",
    ):
        importlib.import_module(_module)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    url = request.config.getoption("--target-url")
    # A psp-sandbox target's admin token, if it has one.
    token = request.config.getoption("--sandbox-token") or None
    if url:
        yield Target(
            url.rstrip("/"),
            sandbox=request.config.getoption("--target-is-sandbox"),
            provider_in_path=request.config.getoption("--target-is-sandbox"),
            admin_token=token,
        )
        return
    # The sandbox the plugin's fixtures use: in-process, or the one --sandbox-url names.
    yield Target(
        request.getfixturevalue("sandbox_url"),
        sandbox=True,
        provider_in_path=True,
        admin_token=token,
    )


@pytest.fixture(scope="session")
def sandbox_target(target: Target) -> Target:
    """The target, when it is a psp-sandbox (for checks of the sandbox's own documents)."""
    if not target.sandbox:
        pytest.skip("this checks the sandbox's own OpenAPI document, not a provider's")
    return target
