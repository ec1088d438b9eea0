"""``psp-sandbox reset``: forget the state of a running sandbox."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import click

DEFAULT_URL = "http://127.0.0.1:8480"


@click.command()
@click.option("--url", default=DEFAULT_URL, show_default=True, help="The running sandbox.")
@click.option("--tenant", default=None, help="Reset only this tenant.")
def reset(url: str, tenant: str | None) -> None:
    """Forget the state of a running sandbox (one tenant, or everything)."""
    body = json.dumps({"tenant": tenant} if tenant else {}).encode()
    request = urllib.request.Request(
        f"{url.rstrip('/')}/_sandbox/reset",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            click.echo(f"reset: {json.load(answer)['reset']}")
    except (urllib.error.URLError, OSError) as error:
        raise click.ClickException(f"no sandbox answered at {url}: {error}") from None
