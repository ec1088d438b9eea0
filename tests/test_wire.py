"""The sandbox's pydantic models are built on first use, and the background build after start
leaves none unbuilt: a model that cannot be built fails here, not on some provider's first call."""

from __future__ import annotations

from tests.process import probe

# A fresh process: in the test session other tests have built most models already.
PROBE = """
import asyncio, importlib, json
from pydantic import BaseModel
from pydantic_settings import BaseSettings
from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.mounts import SANDBOX_PARTS
from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.settings import Settings
from psp_sandbox.simulator.wire import WireModel, build_wire_models, wire_models

create_app(Settings(store="memory://"))
# As the background warm-up loads them, before it builds models: the providers, then the
# admin API and the pages.
for provider in PROVIDERS:
    provider.load()
for _prefix, where, _arguments in SANDBOX_PARTS:
    importlib.import_module(where.partition(":")[0], "psp_sandbox.simulator")

def models(base):
    for model in base.__subclasses__():
        yield model
        yield from models(model)

eager = sorted(
    m.__qualname__ for m in models(BaseModel)
    if m.__module__.startswith("psp_sandbox.simulator.")
    and not issubclass(m, (WireModel, BaseSettings))
    and m.__module__ != "psp_sandbox.simulator.settings"
)
before = [m.__qualname__ for m in wire_models() if m.__pydantic_complete__]
first, second = asyncio.run(build_wire_models()), asyncio.run(build_wire_models())
print(json.dumps({
    "eager": eager,
    "built_at_import": before,
    "first": first,
    "second": second,
    "unbuilt": [m.__qualname__ for m in wire_models() if not m.__pydantic_complete__],
}))
"""


def test_every_model_serving_imports_is_a_wire_model_but_the_settings() -> None:
    assert probe(PROBE)["eager"] == []


def test_the_background_build_builds_every_wire_model_once() -> None:
    result = probe(PROBE)
    assert result["built_at_import"] == []
    assert result["first"] > 200  # every provider's and the admin API's models
    assert result["second"] == 0
    assert result["unbuilt"] == []
