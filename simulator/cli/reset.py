"""``psp-sandbox reset``: forget the state of a running sandbox (one tenant, or all of them)."""

from __future__ import annotations

import click

from ...client.sandbox import SandboxAdmin, SandboxApiError, SandboxTransportError

DEFAULT_URL = "http://127.0.0.1:8480"


@click.command()
@click.option("--url", default=DEFAULT_URL, show_default=True, help="The running sandbox.")
@click.option("--tenant", default=None, help="Reset this tenant.")
@click.option("--all", "everything", is_flag=True, help="Reset every tenant.")
@click.option(
    "--admin-token",
    envvar="PSP_SANDBOX_ADMIN_TOKEN",
    show_envvar=True,
    default=None,
    help="The sandbox's admin token, if it has one (prefer the environment variable).",
)
def reset(url: str, tenant: str | None, everything: bool, admin_token: str | None) -> None:
    """Forget the state of a running sandbox: one tenant (--tenant) or every one (--all)."""
    if tenant is not None and everything:
        raise click.UsageError("give --tenant T or --all, not both")
    if tenant is None and not everything:
        raise click.UsageError("name the tenant to reset (--tenant T), or reset every one (--all)")
    try:
        with SandboxAdmin(url, tenant, token=admin_token, timeout=10) as admin:
            answer = admin.reset(everything=everything)
    except SandboxApiError as refused:
        raise click.ClickException(f"the sandbox refused: {refused.message}") from None
    except (SandboxTransportError, OSError) as error:
        raise click.ClickException(f"no sandbox answered at {url}: {error}") from None
    click.echo(f"reset: {answer['reset']}")
