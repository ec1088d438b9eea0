"""The sandbox's pydantic models are built on first use, and the background build after start
leaves none unbuilt: a model that cannot be built fails here, not on some provider's first call."""

from __future__ import annotations

import json
import subprocess
import sys

# A fresh process: in the test session other tests have built most models already.
PROBE = """
import asyncio, json
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
from psp_sandbox.simulator.wire import build_wire_models, wire_models

create_app(Settings(store="memory://"))
before = [m.__qualname__ for m in wire_models() if m.__pydantic_complete__]
first, second = asyncio.run(build_wire_models()), asyncio.run(build_wire_models())
print(json.dumps({
    "built_at_import": before,
    "first": first,
    "second": second,
    "unbuilt": [m.__qualname__ for m in wire_models() if not m.__pydantic_complete__],
}))
"""


def test_the_background_build_builds_every_wire_model_once() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(probe.stdout)
    assert result["built_at_import"] == []
    assert result["first"] > 200  # every provider's and the admin API's models
    assert result["second"] == 0
    assert result["unbuilt"] == []
