"""``psp-sandbox scenario``: run scenario files (or the shipped ones), list them, print the
format's JSON Schema."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from ..scenarios import Report, StepResult, load_scenario, run_scenario, scenario_schema
from ..scenarios.library import locate, shipped
from ..scenarios.model import InvalidScenario, Scenario
from ..services.clock import utc_now
from ..testing.server import SandboxServer
from .connection import TOKEN_ENV

#: With --seed the runner's own sandbox runs on this pinned real time, so that every time it
#: writes (and every body holding one) repeats from run to run.
PINNED_AT = datetime(2029, 6, 1, 12, 0, tzinfo=UTC)


@click.group()
def scenario() -> None:
    """Scenario files: provider calls, QA actions and expectations, run in order."""


@scenario.command(name="run")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--url",
    envvar="PSP_SANDBOX_URL",
    default=None,
    help="A running sandbox  [default: start one in-process, memory store].",
)
@click.option("--token", envvar=TOKEN_ENV, default=None, help="The sandbox's admin token.")
@click.option("--tenant", default=None, help="Run in this tenant  [default: scenario-<file>].")
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Same ids and bodies on every run (the in-process sandbox is seeded, its clock pinned).",
)
@click.option(
    "--transcript",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write every call, answer and webhook received here (JSON).",
)
def run(
    files: tuple[str, ...],
    url: str | None,
    token: str | None,
    tenant: str | None,
    seed: int | None,
    transcript: Path | None,
) -> None:
    """Run scenario FILES (paths, or provider/name of shipped ones) and report each step.

    \b
    psp-sandbox scenario run tranzzo/3ds-abandoned
    psp-sandbox scenario run my-case.yaml --url http://127.0.0.1:8480 --seed 7
    """
    try:
        loaded = [(name, load_scenario(locate(name))) for name in files]
    except InvalidScenario as invalid:
        raise click.UsageError(str(invalid)) from None
    console = Console(highlight=False)
    reports = asyncio.run(_run_all(loaded, url, token, tenant, seed, console))
    for report in reports:
        console.print(report.table())
    if transcript is not None:
        transcript.write_text(
            json.dumps([{"scenario": r.scenario, "steps": r.transcript} for r in reports], indent=2)
        )
    failed = [r.scenario for r in reports if not r.passed]
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(reports)} scenario(s) failed")
    console.print(f"[green]{len(reports)} scenario(s) passed[/]")


@scenario.command(name="list")
def listing() -> None:
    """The scenarios psp-sandbox ships (run them by name)."""
    for name in shipped():
        click.echo(f"{name:<45} {load_scenario(locate(name)).name}")


@scenario.command()
def schema() -> None:
    """The JSON Schema of scenario files."""
    click.echo(json.dumps(scenario_schema(), indent=2))


async def _run_all(
    loaded: list[tuple[str, Scenario]],
    url: str | None,
    token: str | None,
    tenant: str | None,
    seed: int | None,
    console: Console,
) -> list[Report]:
    pinned = seed is not None and url is None
    real_now = (lambda: PINNED_AT) if pinned else utc_now
    server = None if url is not None else SandboxServer(seed=seed, real_now=real_now).start()
    target = url or (server.url if server else "")
    reports = []
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as progress:
            for name, loaded_one in loaded:
                task = progress.add_task(loaded_one.name, total=len(loaded_one.steps))
                reports.append(
                    await run_scenario(
                        loaded_one,
                        target,
                        tenant or _tenant_for(name),
                        token=token,
                        seed=seed,
                        real_now=real_now,
                        on_step=_advancing(progress, task),
                    )
                )
    finally:
        if server is not None:
            server.stop()
    return reports


def _advancing(progress: Progress, task: TaskID) -> Callable[[StepResult], None]:
    def advance(_result: StepResult) -> None:
        progress.advance(task)

    return advance


def _tenant_for(name: str) -> str:
    stem = Path(name).stem if name.endswith((".yaml", ".yml", ".json")) else name
    return "scenario-" + re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")[:50]
