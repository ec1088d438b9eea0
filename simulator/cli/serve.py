"""``psp-sandbox serve``: serve every provider and the admin API until interrupted."""

from __future__ import annotations

import gc
import logging
import socket
from pathlib import Path

import click
from aiohttp import web

from ..app import create_app
from ..connections import server_options
from ..providers import PROVIDERS
from ..settings import Settings, load_settings
from ..store import StoreError, shares_state
from ..store.codec import masked
from .invalid import InvalidSetting, check_store, settings_problems
from .logs import configure_logging
from .workers import Supervisor, follow_supervisor, prepare_store, reserve_port


@click.command()
@click.option("--host", default=None, help="Interface to listen on.  [default: 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="[default: 8480]")
@click.option(
    "--store",
    default=None,
    help="sqlite:///path/to/file.db or memory://  [default: sqlite:///./psp-sandbox.db]",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes serving one port and one store (not with memory://).  [default: 1]",
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
    workers: int | None,
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
        "workers": workers,
        "seed": seed,
        "auth": auth,
        "access_log": access_log,
        "log_format": log_format,
        "log_level": log_level,
    }
    with settings_problems(flags, config):
        settings = load_settings(config, **flags)
    if settings.workers > 1 and not shares_state(settings.store):
        raise InvalidSetting(
            f"workers = {settings.workers} needs a store that processes share "
            "(sqlite:///path or postgresql://...): memory:// lives inside one process"
        )
    check_store(settings, flags, config)
    _configure_logging(settings)
    try:
        if settings.workers == 1:
            serve_one(settings, None)
        else:
            _serve_many(settings)
    except StoreError as unreachable:
        raise click.ClickException(str(unreachable)) from None


def _serve_many(settings: Settings) -> None:
    try:
        holder = reserve_port(settings.host, settings.port)
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {settings.host}:{settings.port}: {error}"
        ) from None
    with holder:
        prepare_store(settings.store)
        port = holder.getsockname()[1]
        shared = settings.model_copy(update={"port": port})
        _banner(shared, f"{settings.workers} workers")
        Supervisor(shared, settings.workers, serve_one).run()


def _configure_logging(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)


def serve_one(settings: Settings, worker: int | None) -> None:
    """One sandbox process: alone (``worker`` None), or worker number ``worker`` of several
    on one port."""
    if worker is not None:
        follow_supervisor()
        _configure_logging(settings)
    if settings.instance is None and settings.port != 0:
        # A stable name: restarted, this instance takes back at once what it held.
        instance = f"{socket.gethostname()}:{settings.port}"
        if worker is not None:
            instance += f"/{worker}"
        settings = settings.model_copy(update={"instance": instance})
    app = create_app(settings)
    app.on_startup.append(_freeze_gc)

    def banner(_message: str) -> None:
        if worker is None:
            _banner(settings, "1 process")

    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            reuse_port=worker is not None,
            print=banner,
            access_log=logging.getLogger("aiohttp.access") if settings.access_log else None,
            **server_options(settings),
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {settings.host}:{settings.port}: {error}"
        ) from None


def _banner(settings: Settings, processes: str) -> None:
    base = f"http://{settings.host}:{settings.port}"
    click.echo(
        f"psp-sandbox on {base}  (store {masked(settings.store)}, {processes}, auth {settings.auth}"
        f"{f', seed {settings.seed}' if settings.seed is not None else ''})"
    )
    width = max(len(provider.title) for provider in PROVIDERS)
    for provider in PROVIDERS:
        for path in provider.base_paths:
            click.echo(f"  {provider.title:<{width}} {base}/{provider.name}{path}")
    click.echo(
        f"  {'admin API':<{width}} {base}/_sandbox  (API explorer: {base}/_sandbox/explorer)"
    )
    click.echo("Press Ctrl-C to stop.")


async def _freeze_gc(_app: web.Application) -> None:
    """Long-lived start-up objects never need collecting; young garbage is collected every
    10 000 net allocations, and the middle generation after every second young collection.

    Little survives a young collection under load: the memory store keeps its records in plain
    tuples, which the collector stops tracking the first time it meets them (store/memory.py).
    While each stored payment was four tracked objects they were most of what survived, and at
    100 000 stored payments one collection paused the server for 55-103 ms. Untracked, a pause
    is as long as the young generation is large: 16-30 ms at 50 000 allocations, 8-12 ms at
    10 000, and less time collecting in all (``benchmarks.stored_state`` with ``gc.callbacks``
    timing each collection). Full collections walk only what is still tracked, so they are short
    too, and rare: one per 2 000 young collections."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 2, 1_000)
