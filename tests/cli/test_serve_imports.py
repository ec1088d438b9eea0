"""``psp-sandbox serve`` imports only what serving needs: the other commands' dependencies, the
libraries only some requests use, every provider's code, the admin API and the pages are
imported when first used, and the stores' record readers and the package's version are built
and read then too (start-up time); the warm-up builds them all once the port is open. What
``serve`` imports is kept out of later garbage collections, and the collector runs again after."""

from __future__ import annotations

from tests.process import probe

PROBE = """
import gc, json, sys
import click
import psp_sandbox
from psp_sandbox.simulator.cli import main
main.get_command(click.Context(main), "serve")
collecting, frozen = gc.isenabled(), gc.get_freeze_count()
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.settings import Settings
from psp_sandbox.simulator.store import codec
create_app(Settings(store="memory://"))
print(json.dumps({
    "modules": sorted({name.split(".")[0] for name in sys.modules}),
    "ours": sorted(name for name in sys.modules if name.startswith("psp_sandbox.")),
    "version_read": psp_sandbox._version.cache_info().currsize > 0,
    "readers": sorted(vars(codec._readers)),
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


def test_serving_imports_neither_the_admin_api_nor_the_pages_before_a_request_needs_them() -> None:
    ours = probe(PROBE)["ours"]
    assert "psp_sandbox.simulator.mounts" in ours
    for part in ("control", "ui.hosted", "ui.explorer", "ui.guides", "ui.dashboard", "ui.index"):
        assert not [m for m in ours if m.startswith(f"psp_sandbox.simulator.{part}")], part


def test_serving_memory_imports_no_sql_backend() -> None:
    loaded = set(probe(PROBE)["modules"])
    assert loaded.isdisjoint({"sqlite3", "asyncpg"})  # the probe's store is memory://


def test_serving_builds_no_record_reader_and_reads_not_its_version_at_start() -> None:
    result = probe(PROBE)
    assert result["readers"] == []  # pydantic builds them on first use, or the warm-up does
    assert not result["version_read"]  # from the package's metadata, when a page shows it


def test_what_serve_imports_is_kept_out_of_collections_and_the_collector_runs_after() -> None:
    result = probe(PROBE)
    assert result["collecting"]
    assert result["frozen"] > 50_000  # what serve imported: classes, validators, tables


WARM_UP = """
import asyncio, gc, json
from aiohttp import web
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.appkeys import CONTEXT
from psp_sandbox.simulator.lazy_subapp import LazySubAppResource
from psp_sandbox.simulator.settings import Settings
from psp_sandbox.simulator.store import codec

async def main(freeze):
    app = create_app(Settings(store="memory://"))
    if freeze:
        gc.freeze()
    before = gc.get_freeze_count()
    runner = web.AppRunner(app)
    await runner.setup()
    await next(t for t in asyncio.all_tasks() if t.get_name() == "warm-up")
    loaded = app[CONTEXT].plugins.loaded()
    mounts = [r for r in app.router.resources() if isinstance(r, LazySubAppResource)]
    unbuilt = [r.canonical for r in mounts if r.app is None]
    await runner.cleanup()
    return {
        "loaded": loaded,
        "mounts": len(mounts),
        "unbuilt": unbuilt,
        "readers": sorted(vars(codec._readers)),
        "frozen": gc.get_freeze_count() - before,
    }

print(json.dumps(asyncio.run(main(FREEZE))))
"""


def test_the_warm_up_builds_every_part_and_freezes_them_where_start_up_was_frozen() -> None:
    frozen = probe(WARM_UP.replace("FREEZE", "True"))
    assert frozen["loaded"] == ["tranzzo", "fiserv", "macropay", "payworks", "paymentz"]
    # Five providers, the admin API, explorer, guides, dashboard and three hosted pages.
    assert frozen["mounts"] == 12 and frozen["unbuilt"] == []
    assert frozen["readers"] == ["delivery", "exchange", "payment"]
    assert frozen["frozen"] > 10_000  # the providers' classes, tables, validators
    # A process that froze nothing (a test run) is left be.
    assert probe(WARM_UP.replace("FREEZE", "False"))["frozen"] == 0
