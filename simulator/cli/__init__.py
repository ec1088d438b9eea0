"""The ``psp-sandbox`` command; one module per subcommand, imported when it runs."""

from __future__ import annotations

import gc
import importlib
import sys
from types import ModuleType

import click

#: Subcommand -> (its module, the command's name there). ``serve`` then pays for no other
#: command's imports (the scenario runner, httpx, rich ...), which kept its start-up near 2 s.
_COMMANDS = {
    "serve": ("serve", "serve"),
    "reset": ("reset", "reset"),
    "export": ("export", "export"),
    "import": ("load", "load"),
    "listen": ("listen", "listen"),
    "trigger": ("trigger", "trigger"),
    "scenario": ("scenario", "scenario"),
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = _COMMANDS[cmd_name]
        command: click.Command = getattr(_load(f"{__name__}.{module_name}"), attribute)
        return command


def _load(name: str) -> ModuleType:
    """Import a subcommand's module with the garbage collector paused, then exempt what it
    loaded from later collections: classes, validators and tables that live as long as the
    process, next to no garbage. Collecting meanwhile made ~190 passes over them, ~0.1 s of
    ``serve``'s start. Only the first import of a module does this."""
    if name in sys.modules:
        return sys.modules[name]
    collecting = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


@click.group(cls=_LazyGroup)
@click.version_option(package_name="psp-sandbox")
def main() -> None:
    """psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs."""


__all__ = ["main"]
