"""Every provider serves, at /<provider>/openapi.json, exactly the document its suites check."""

from __future__ import annotations

import pytest
import requests

from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.providers import PROVIDERS


@pytest.mark.parametrize("plugin", [p.load() for p in PROVIDERS], ids=lambda p: p.name)
def test_the_served_document_is_the_generated_one(sandbox_target: Target, plugin: type) -> None:
    served = requests.get(sandbox_target.provider_url(plugin.name) + "/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"].startswith("application/json")
    assert served.json() == plugin.openapi()
