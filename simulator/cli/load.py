"""``psp-sandbox import``: a case document replaces a tenant's state in a running sandbox."""

from __future__ import annotations

from pathlib import Path

import click

from .connection import admin_client, sandbox_options


@click.command(name="import")
@click.argument("case", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", default=None, help="Import into this tenant  [default: the case's].")
@sandbox_options
def load(case: Path, tenant: str | None, url: str, token: str | None) -> None:
    """Import a case document (from `psp-sandbox export`) into a running sandbox.

    The tenant's state is replaced; a malformed or newer-version case changes nothing.

    \b
    psp-sandbox import case.json --tenant qa-2
    """
    with admin_client(url, token) as admin:
        done = admin.import_case(case.read_bytes(), tenant)
    click.echo(
        f"imported {done['payments']} payments, {done['deliveries']} webhook deliveries and "
        f"{done['documents']} documents into tenant {done['tenant']} "
        f"(exported from {done['from_tenant']})"
    )
