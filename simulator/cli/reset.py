"""``psp-sandbox reset``: forget the state of a running sandbox (one tenant, or all of them)."""

from __future__ import annotations

import click

from .connection import admin_client, sandbox_options


@click.command()
@sandbox_options
@click.option("--tenant", default=None, help="Reset this tenant.")
@click.option("--all", "everything", is_flag=True, help="Reset every tenant.")
def reset(url: str, token: str | None, tenant: str | None, everything: bool) -> None:
    """Forget the state of a running sandbox: one tenant (--tenant) or every one (--all)."""
    if tenant is not None and everything:
        raise click.UsageError("give --tenant T or --all, not both")
    if tenant is None and not everything:
        raise click.UsageError("name the tenant to reset (--tenant T), or reset every one (--all)")
    with admin_client(url, token, tenant) as admin:
        answer = admin.reset(everything=everything)
    click.echo(f"reset: {answer['reset']}")
