"""Every provider answers every broken payment rule in its own envelope with a 4xx — a new
neutral code in the engine can never surface as a 500."""

from __future__ import annotations

import pytest

from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.appkeys import CONTEXT
from psp_sandbox.simulator.engine import RuleViolation, Violation
from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.settings import Settings

PLUGINS_BY_NAME = create_app(Settings(store="memory://"))[CONTEXT].plugins


@pytest.mark.parametrize("name", [p.name for p in PROVIDERS])
@pytest.mark.parametrize("code", list(Violation))
def test_every_violation_is_a_client_error_in_the_providers_envelope(
    name: str, code: Violation
) -> None:
    error = PLUGINS_BY_NAME[name].violation(RuleViolation(code))
    assert 400 <= error.status < 500
    assert error.body
