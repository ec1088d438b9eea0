"""The API explorer: Swagger UI over every OpenAPI document the sandbox serves, its assets
served from the swagger-ui-py package (no CDN, works offline)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from aiohttp import web

from ..appkeys import CONTEXT
from ..context import SandboxContext
from ..mounts import EXPLORER_PREFIX
from .access import require_admin_login
from .pages import page


def swagger_ui_assets() -> Path:
    """Swagger UI's built files, as swagger-ui-py ships them (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def documents(context: SandboxContext) -> dict[str, tuple[str, str]]:
    """Every OpenAPI document by name: its title and its path on this sandbox."""
    served = {
        p.name: (p.title, f"/{p.name}/openapi.json") for p in context.plugins.registrations.values()
    }
    return {**served, "admin": ("psp-sandbox admin API", "/_sandbox/openapi.json")}


async def explorer(request: web.Request) -> web.StreamResponse:
    listed = documents(request.config_dict[CONTEXT])
    chosen = request.query.get("doc", "")
    urls = [{"name": name, "url": url} for name, (_title, url) in listed.items()]
    return page(
        request,
        "API explorer",
        "explorer",
        urls=urls,
        primary=chosen if chosen in listed else next(iter(listed)),
        assets=f"{EXPLORER_PREFIX}/assets",
    )


def create_explorer_app() -> web.Application:
    app = web.Application(middlewares=[require_admin_login])
    app.router.add_get("", explorer, name="explorer")
    app.router.add_get("/", explorer)
    # Swagger UI's own files: named "static" so that they need no token (they hold no data).
    app.router.add_static("/assets", swagger_ui_assets(), name="static")
    return app
