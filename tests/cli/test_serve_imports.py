"""``psp-sandbox serve`` imports only what serving needs: the other commands' dependencies, the
libraries only some requests use and every provider's code are imported when first used
(start-up time). What it imports is kept out of later garbage collections, and the collector
runs again after."""

from __future__ import annotations

from tests.process import probe

PROBE = """
import gc, json, sys
import click
from psp_sandbox.simulator.cli import main
main.get_command(click.Context(main), "serve")
collecting, frozen = gc.isenabled(), gc.get_freeze_count()
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
create_app(Settings(store="memory://"))
print(json.dumps({
    "modules": sorted({name.split(".")[0] for name in sys.modules}),
    "ours": sorted(name for name in sys.modules if name.startswith("psp_sandbox.")),
    "collecting": collecting,
    "frozen": frozen,
}))
"""


def test_serving_imports_neither_other_commands_nor_first_use_libraries() -> None:
    loaded = set(probe(PROBE)["modules"])
    assert "aiohttp" in loaded  # the probe did build the app
    assert loaded.isdisjoint(
        {"faker", "httpx", "asyncpg", "yaml", "rich", "schemathesis", "iso4217", "lxml", "jinja2"}
    )


def test_serving_imports_no_providers_code_before_a_request_needs_it() -> None:
    ours = probe(PROBE)["ours"]
    assert "psp_sandbox.simulator.providers.registry" in ours
    for provider in ("tranzzo", "fiserv", "macropay", "payworks", "paymentz"):
        assert not [m for m in ours if m.startswith(f"psp_sandbox.simulator.providers.{provider}")]


def test_what_serve_imports_is_kept_out_of_collections_and_the_collector_runs_after() -> None:
    result = probe(PROBE)
    assert result["collecting"]
    assert result["frozen"] > 50_000  # what serve imported: classes, validators, tables
