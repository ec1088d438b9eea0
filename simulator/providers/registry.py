"""Which providers the sandbox serves, and their plugins built on first use rather than at start.

A :class:`Registration` names what the sandbox mounts, lists and announces before a provider's
code is imported (its name, title and base paths) and where its plugin class lives.
:class:`Providers` holds one sandbox's plugins by name: iterating it, ``in`` and ``len`` read
registrations only; ``providers[name]`` imports the provider and builds its plugin the first
time, and :meth:`Providers.load` does the same without holding up the event loop.

Importing a provider's package (or another part built on first use, ``mounts.py``) runs under
one lock: two threads never import two of them at once, so their imports of shared modules
cannot wait on each other in a circle.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..context import SandboxContext
    from .base import ProviderPlugin

Part = TypeVar("Part")

#: Held while a provider's package is imported (from any thread).
_IMPORTING = threading.Lock()


def import_in_turn(name: str, package: str | None = None) -> ModuleType:
    """``importlib.import_module`` under the lock every import of a part built on first use
    takes (a provider, an admin sub-application), from any thread."""
    with _IMPORTING:
        return importlib.import_module(name, package)


class RegistrationMismatch(RuntimeError):
    """A provider's registration line and its plugin class disagree."""


@dataclass(frozen=True, slots=True)
class Registration:
    """A provider as the sandbox knows it before importing it: enough to mount, list and
    announce it, and where its plugin class lives."""

    #: Its mount: the sandbox serves it under ``/<name>``.
    name: str
    title: str
    #: Path prefixes under the mount where the real API lives (for the banner and docs).
    base_paths: tuple[str, ...]
    #: ``module:Class`` of its plugin, the module relative to ``simulator.providers``.
    plugin: str

    def load(self) -> type[ProviderPlugin]:
        """The plugin class, its package imported on the first call (from any thread)."""
        module_name, _, class_name = self.plugin.partition(":")
        module = import_in_turn(module_name, __package__)
        plugin_class: type[ProviderPlugin] = getattr(module, class_name)
        registered = (self.name, self.title, self.base_paths)
        declared = (plugin_class.name, plugin_class.title, tuple(plugin_class.base_paths))
        if registered != declared:
            raise RegistrationMismatch(
                f"{self.plugin} declares {declared}, its registration says {registered}"
            )
        return plugin_class


class Providers(Mapping[str, "ProviderPlugin"]):
    """One sandbox's provider plugins by name, each imported and built the first time it is
    asked for; the registrations alone answer what only needs names."""

    def __init__(self, registrations: Iterable[Registration]) -> None:
        self.registrations: Mapping[str, Registration] = {r.name: r for r in registrations}
        self._built: dict[str, ProviderPlugin] = {}
        self._context: SandboxContext | None = None
        self._building = threading.Lock()

    def bind(self, context: SandboxContext) -> None:
        """The context every plugin is built with (it holds this mapping, so comes after it)."""
        self._context = context

    def __getitem__(self, name: str) -> ProviderPlugin:
        try:
            return self._built[name]
        except KeyError:
            return self._build(self.registrations[name])

    def __contains__(self, name: object) -> bool:
        return name in self.registrations

    def __iter__(self) -> Iterator[str]:
        return iter(self.registrations)

    def __len__(self) -> int:
        return len(self.registrations)

    def loaded(self) -> list[str]:
        """The providers built so far, in the order they were."""
        return list(self._built)

    async def load(self, name: str) -> ProviderPlugin:
        """``self[name]``, importing the provider in a worker thread: the event loop serves on
        meanwhile (sharing the interpreter lock with the import)."""
        if name not in self._built:
            await asyncio.to_thread(self.registrations[name].load)
        return self[name]

    async def load_all(self) -> list[ProviderPlugin]:
        """Every provider's plugin, each loaded as :meth:`load` does."""
        return [await self.load(name) for name in self]

    def _build(self, registration: Registration) -> ProviderPlugin:
        if self._context is None:
            raise RuntimeError("Providers.bind(context) must come before a plugin is used")
        plugin_class = registration.load()
        with self._building:
            plugin = self._built.get(registration.name)
            if plugin is None:
                plugin = self._built[registration.name] = plugin_class(self._context)
            return plugin


class EachProvider(Mapping[str, Part]):
    """One part of every provider (its webhook profile, its test credentials), by provider
    name, read from the provider when first asked for. A provider whose part is None is not
    in the mapping, which is known only once that provider is loaded: iteration lists every
    registered name."""

    def __init__(self, names: Iterable[str], part: Callable[[str], Part | None]) -> None:
        self._names = tuple(names)
        self._part = part

    def __getitem__(self, name: str) -> Part:
        if name not in self._names:
            raise KeyError(name)
        found = self._part(name)
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
