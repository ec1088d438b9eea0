"""The ``psp-sandbox`` command; one module per subcommand."""

from __future__ import annotations

import click

from .export import export
from .listen import listen
from .load import load
from .reset import reset
from .scenario import scenario
from .serve import serve
from .trigger import trigger


@click.group()
@click.version_option(package_name="psp-sandbox")
def main() -> None:
    """psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs."""


main.add_command(serve)
main.add_command(reset)
main.add_command(export)
main.add_command(load)
main.add_command(listen)
main.add_command(trigger)
main.add_command(scenario)

__all__ = ["main"]
