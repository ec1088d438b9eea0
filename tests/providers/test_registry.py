"""The provider registry: each registration line agrees with its plugin; names are listed without
importing anything; a plugin is built once, on first use, however many ask at once."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from psp_sandbox.simulator.app import create_app
from psp_sandbox.simulator.appkeys import CONTEXT
from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.providers.registry import (
    EachProvider,
    Providers,
    Registration,
    RegistrationMismatch,
)
from psp_sandbox.simulator.settings import Settings


def fresh_providers() -> Providers:
    return create_app(Settings(store="memory://"))[CONTEXT].plugins


@pytest.mark.parametrize("registration", PROVIDERS, ids=lambda r: r.name)
def test_each_registration_names_its_plugin_as_the_plugin_names_itself(
    registration: Registration,
) -> None:
    plugin_class = registration.load()
    assert plugin_class.name == registration.name
    assert plugin_class.title == registration.title
    assert tuple(plugin_class.base_paths) == registration.base_paths


def test_a_registration_that_disagrees_with_its_plugin_is_refused_when_loaded() -> None:
    wrong = dataclasses.replace(PROVIDERS[0], title="Someone else")
    with pytest.raises(RegistrationMismatch, match="Someone else"):
        wrong.load()


def test_names_are_listed_without_building_any_plugin() -> None:
    providers = fresh_providers()
    assert list(providers) == [r.name for r in PROVIDERS]
    assert len(providers) == len(PROVIDERS)
    assert "tranzzo" in providers and "stripe" not in providers
    assert [r.title for r in providers.registrations.values()]
    assert providers.loaded() == []


def test_a_plugin_is_built_on_first_use_and_then_the_same_one() -> None:
    providers = fresh_providers()
    first = providers["macropay"]
    assert providers.loaded() == ["macropay"]
    assert providers["macropay"] is first
    assert providers.get("stripe") is None
    with pytest.raises(KeyError):
        providers["stripe"]


async def test_concurrent_loads_of_one_provider_build_one_plugin() -> None:
    providers = fresh_providers()
    plugins = await asyncio.gather(*(providers.load("fiserv") for _ in range(8)))
    assert {id(p) for p in plugins} == {id(providers["fiserv"])}
    assert providers.loaded() == ["fiserv"]


async def test_load_all_builds_every_provider_in_registration_order() -> None:
    providers = fresh_providers()
    assert [p.name for p in await providers.load_all()] == [r.name for r in PROVIDERS]


def test_each_provider_reads_a_part_of_a_provider_only_when_asked() -> None:
    providers = fresh_providers()
    profiles = EachProvider(providers, lambda name: providers[name].webhooks)
    assert list(profiles) == list(providers)
    assert providers.loaded() == []
    assert profiles["tranzzo"] is providers["tranzzo"].webhooks
    assert providers.loaded() == ["tranzzo"]
    assert profiles.get("fiserv") is None  # Fiserv sends no webhooks
    assert profiles.get("stripe") is None
