"""Typed aiohttp application keys shared by the root application and its sub-applications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .context import SandboxContext
    from .providers.base import Principal, ProviderPlugin

#: Everything the handlers of every sub-application share (services, store, clocks ...).
CONTEXT: web.AppKey[SandboxContext] = web.AppKey("context")
#: The provider a sub-application serves.
PLUGIN: web.AppKey[ProviderPlugin] = web.AppKey("plugin")
#: Who sent a provider request (set once its credentials are checked).
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal")
