"""``psp-sandbox serve``: serve every provider and the admin API until interrupted."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import click
from aiohttp import web

from ..app import create_app
from ..appkeys import CONTEXT
from ..settings import load_settings
from .invalid import check_store, settings_problems
from .logs import configure_logging


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
@click.option(
    "--log-format",
    type=click.Choice(["plain", "json"]),
    default=None,
    help="plain lines for people, json (one object per line) for machines.  [default: plain]",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail too.")
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only.")
def serve(
    host: str | None,
    port: int | None,
    store: str | None,
    seed: int | None,
    auth: str | None,
    config: Path | None,
    access_log: bool | None,
    log_format: str | None,
    verbose: bool,
    quiet: bool,
) -> None:
    """Serve every provider and the admin API until interrupted (Ctrl-C)."""
    log_level = "warning" if quiet else "debug" if verbose else None
    flags = {
        "host": host,
        "port": port,
        "store": store,
        "seed": seed,
        "auth": auth,
        "access_log": access_log,
        "log_format": log_format,
        "log_level": log_level,
    }
    with settings_problems(flags, config):
        settings = load_settings(config, **flags)
    check_store(settings, flags, config)
    configure_logging(settings.log_level, settings.log_format)
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
        click.echo(f"  {'admin API':<12} {base}/_sandbox  (API explorer: {base}/_sandbox/explorer)")
        click.echo("Press Ctrl-C to stop.")

    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            print=banner,
            access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
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
