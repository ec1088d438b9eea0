"""``psp-sandbox serve`` imports only what serving needs: the other commands' dependencies and
the libraries only some requests use are imported when first used (start-up time)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import click
from psp_sandbox.simulator.cli import main
main.get_command(click.Context(main), "serve")
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
create_app(Settings(store="memory://"))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_serving_imports_neither_other_commands_nor_first_use_libraries() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(probe.stdout))
    assert "aiohttp" in loaded  # the probe did build the app
    assert loaded.isdisjoint({"faker", "httpx", "asyncpg", "yaml", "rich", "schemathesis"})
