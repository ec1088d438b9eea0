"""``psp-sandbox export``: a tenant's whole state as a case document, on stdout or in a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .connection import admin_client, sandbox_options


@click.command()
@click.option("--tenant", required=True, help="The tenant to export.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the case here instead of to stdout.",
)
@click.option("--with-secrets", is_flag=True, help="Include credentials' secrets unmasked.")
@sandbox_options
def export(
    tenant: str, output: Path | None, with_secrets: bool, url: str, token: str | None
) -> None:
    """Export a tenant of a running sandbox as one JSON case document.

    \b
    psp-sandbox export --tenant qa-1 > case.json
    """
    with admin_client(url, token, tenant) as admin:
        case = admin.export_case(with_secrets=with_secrets)
    if output is None:
        sys.stdout.write(case)
    else:
        output.write_text(case)
        click.echo(f"exported tenant {tenant} to {output}", err=True)
