"""The ``psp-sandbox`` command; one module per subcommand, imported when it runs."""

from __future__ import annotations

import importlib

import click

#: Subcommand -> its module. ``serve`` then pays for no other command's imports (the scenario
#: runner, httpx, rich ...), which kept its start-up near two seconds.
_COMMANDS = {
    "serve": "serve",
    "reset": "reset",
    "export": "export",
    "load": "load",
    "listen": "listen",
    "trigger": "trigger",
    "scenario": "scenario",
}


class _LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"{__name__}.{_COMMANDS[cmd_name]}")
        command: click.Command = getattr(module, cmd_name)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(package_name="psp-sandbox")
def main() -> None:
    """psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs."""


__all__ = ["main"]
