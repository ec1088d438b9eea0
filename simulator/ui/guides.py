"""The user guides (``docs/**/*.md``), served as plain text by the sandbox they describe."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from aiohttp import web


def guides() -> dict[str, Traversable]:
    """Every guide shipped with the package, by its path under docs/ (``providers/x.md``)."""
    root = files("psp_sandbox") / "docs"
    found: dict[str, Traversable] = {}
    if not root.is_dir():
        return found
    pending: list[tuple[str, Traversable]] = [("", root)]
    while pending:
        prefix, folder = pending.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                pending.append((f"{prefix}{entry.name}/", entry))
            elif entry.name.endswith(".md"):
                found[f"{prefix}{entry.name}"] = entry
    return found


def create_guides_app() -> web.Application:
    shipped = guides()

    async def guide(request: web.Request) -> web.StreamResponse:
        found = shipped.get(request.match_info["path"])
        if found is None:
            raise web.HTTPNotFound(text="no such guide\n")
        return web.Response(text=found.read_text("utf-8"), content_type="text/plain")

    app = web.Application()
    app.router.add_get("/{path:.+}", guide, name="guide")
    return app
