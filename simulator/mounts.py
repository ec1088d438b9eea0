"""The parts under ``/_sandbox`` besides the health check, each imported and built on first use.

The hosted pages, the API explorer, the guides, the dashboard and the admin API are mounted
in this order (the pages share the ``/_sandbox`` prefix with the admin API, so they come
first) through ``lazy_subapp.py``, as the providers are: a sandbox answers its first health
check without importing them, and the warm-up builds them once the port is open
(``warmup.py``). Each part's module is imported in a worker thread, as a provider's is, so
the event loop goes on serving meanwhile. The front door (``/``, ``/_sandbox``) is imported
on its first request too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import Any

from aiohttp import web

from .lazy_subapp import LazySubAppResource, add_lazy_subapp
from .providers.registry import import_in_turn

EXPLORER_PREFIX = "/_sandbox/explorer"
GUIDES_PREFIX = "/_sandbox/docs"
FRONT_DOORS = ("/", "/_sandbox", "/_sandbox/")

#: Every part under /_sandbox but the health check, in mount order: its prefix, the
#: ``module:function`` (module relative to ``simulator``) that builds its sub-application,
#: and that function's arguments.
SANDBOX_PARTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/_sandbox/acs", ".ui.hosted:create_pages_app", ("acs",)),
    ("/_sandbox/checkout", ".ui.hosted:create_pages_app", ("checkout",)),
    ("/_sandbox/terminal", ".ui.hosted:create_pages_app", ("terminal",)),
    (EXPLORER_PREFIX, ".ui.explorer:create_explorer_app", ()),
    (GUIDES_PREFIX, ".ui.guides:create_guides_app", ()),
    ("/_sandbox/ui", ".ui.dashboard:create_dashboard_app", ()),
    ("/_sandbox", ".control:create_control_app", ()),
)


def mount_sandbox_parts(app: web.Application) -> Sequence[LazySubAppResource]:
    """Route the front door and mount every part under /_sandbox, each built on first use."""
    for path in FRONT_DOORS:
        app.router.add_get(path, front_door)
    return [
        add_lazy_subapp(app, prefix, partial(_build, where, *arguments))
        for prefix, where, arguments in SANDBOX_PARTS
    ]


async def front_door(request: web.Request) -> web.StreamResponse:
    """What is served where (``ui/index.py``)."""
    index = await _imported(".ui.index:index")
    response: web.StreamResponse = await index(request)
    return response


async def _build(where: str, *arguments: str) -> web.Application:
    build = await _imported(where)
    app: web.Application = build(*arguments)
    return app


async def _imported(where: str) -> Any:
    """The function ``module:name`` names, its module imported in a worker thread (where a
    module another thread is importing is waited for, not seen half-built)."""
    module_name, _, name = where.partition(":")
    module = await asyncio.to_thread(import_in_turn, module_name, __package__)
    return getattr(module, name)
