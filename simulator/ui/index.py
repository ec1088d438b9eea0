"""The sandbox's front door at ``/`` and ``/_sandbox``: what is served where — an HTML page
for a browser, JSON for any other client."""

from __future__ import annotations

from typing import Any

import mimeparse  # type: ignore[import-untyped]
from aiohttp import web

import psp_sandbox

from ..appkeys import CONTEXT
from ..mounts import EXPLORER_PREFIX, GUIDES_PREFIX
from ..providers.base import json_response, origin_of
from .explorer import documents
from .pages import page

#: What the front door offers; on a tie (``*/*``, as curl sends) the later one, JSON, wins.
_OFFERED = ["text/html", "application/json"]


async def index(request: web.Request) -> web.StreamResponse:
    listing = describe(request)
    if mimeparse.best_match(_OFFERED, request.headers.get("Accept") or "*/*") == "text/html":
        return page(request, "psp-sandbox", "index", listing=listing)
    return json_response(listing)


def describe(request: web.Request) -> dict[str, Any]:
    """Every provider's base URLs, OpenAPI document and explorer; the admin API's."""
    context = request.app[CONTEXT]
    origin = origin_of(request)
    explorer = f"{origin}{EXPLORER_PREFIX}"
    return {
        "name": "psp-sandbox",
        "version": psp_sandbox.__version__,
        "providers": {
            p.name: {
                "title": p.title,
                "base_urls": [f"{origin}/{p.name}{path}" for path in p.base_paths],
                "openapi": f"{origin}/{p.name}/openapi.json",
                "explorer": f"{explorer}?doc={p.name}",
                "guide": f"{origin}{GUIDES_PREFIX}/providers/{p.name}.md",
                "fidelity": f"{origin}{GUIDES_PREFIX}/fidelity/{p.name}.md",
            }
            for p in context.plugins.registrations.values()
        },
        "admin": f"{origin}/_sandbox",
        "admin_openapi": f"{origin}/_sandbox/openapi.json",
        "admin_explorer": f"{explorer}?doc=admin",
        "explorer": explorer,
        "documents": {name: f"{origin}{url}" for name, (_title, url) in documents(context).items()},
        "dashboard": f"{origin}/_sandbox/ui/",
        "health": f"{origin}/_sandbox/health",
        "magic_values": f"{origin}/_sandbox/magic",
        "admin_guide": f"{origin}{GUIDES_PREFIX}/admin-api.md",
        "testing_guide": f"{origin}{GUIDES_PREFIX}/testing.md",
    }
