"""``psp-sandbox serve``: serve every provider and the admin API until interrupted."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import click
from aiohttp import web
from pydantic import ValidationError

from ..app import create_app
from ..appkeys import CONTEXT
from ..connections import server_options
from ..settings import load_settings
from ..store import store_from_url


@click.command()
@click.option("--host", default=None, help="Interface to listen on.  [default: 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="[default: 8480]")
@click.option(
    "--store",
    default=None,
    help="sqlite:///path/to/file.db or memory://  [default: sqlite:///./psp-sandbox.db]",
)
@click.option("--seed", type=int, default=None, help="Repeat ids and generated data exactly.")
@click.option(
    "--auth",
    type=click.Choice(["open", "strict"]),
    default=None,
    help="open: unknown credentials are provisioned; strict: configured ones only.",
)
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="TOML file with settings and credentials.",
)
@click.option("--access-log/--no-access-log", default=None, help="Log every request.")
@click.option("-v", "--verbose", is_flag=True, help="Log webhook attempts and injected faults.")
def serve(
    host: str | None,
    port: int | None,
    store: str | None,
    seed: int | None,
    auth: str | None,
    config: Path | None,
    access_log: bool | None,
    verbose: bool,
) -> None:
    """Serve every provider and the admin API until interrupted (Ctrl-C)."""
    try:
        settings = load_settings(
            config, host=host, port=port, store=store, seed=seed, auth=auth, access_log=access_log
        )
        store_from_url(settings.store)
    except (ValidationError, ValueError) as invalid:
        raise click.UsageError(str(invalid)) from None
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = create_app(settings)
    app.on_startup.append(_freeze_gc)
    base = f"http://{settings.host}:{settings.port}"

    def banner(_message: str) -> None:
        context = app[CONTEXT]
        click.echo(
            f"psp-sandbox on {base}  (store {settings.store}, auth {settings.auth}"
            f"{f', seed {settings.seed}' if settings.seed is not None else ''})"
        )
        for plugin in context.plugins.values():
            for path in plugin.base_paths:
                click.echo(f"  {plugin.title:<12} {base}/{plugin.name}{path}")
        click.echo(f"  {'admin API':<12} {base}/_sandbox  (docs: {base}/_sandbox/openapi.json)")
        click.echo("Press Ctrl-C to stop.")

    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            print=banner,
            access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
            **server_options(settings),
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {settings.host}:{settings.port}: {error}"
        ) from None


async def _freeze_gc(_app: web.Application) -> None:
    """Long-lived start-up objects never need collecting; collect young garbage less often
    so that full collections over growing state do not set the tail latency."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
