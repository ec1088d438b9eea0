"""``psp-sandbox trigger``: send one realistic, signed webhook of a provider to your endpoint."""

from __future__ import annotations

import asyncio

import click
from rich.console import Console
from rich.table import Table

from ..merchant.trigger import SampleFailed
from ..merchant.trigger import trigger as send_sample
from ..providers import PROVIDERS


@click.command()
@click.argument("provider", required=False)
@click.argument("event", required=False)
@click.option("--forward-to", metavar="URL", help="Your webhook endpoint.")
@click.option(
    "--secret",
    default=None,
    help="Sign with this secret (your API secret)  [default: the provider's test one].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Ids and data repeat.")
@click.option("--list", "listing", is_flag=True, help="What each provider can send.")
def trigger(
    provider: str | None,
    event: str | None,
    forward_to: str | None,
    secret: str | None,
    seed: int,
    listing: bool,
) -> None:
    """Send PROVIDER's EVENT webhook, signed as the provider signs it, to your endpoint.

    \b
    psp-sandbox trigger tranzzo purchase.success --forward-to http://localhost:3000/hooks
    psp-sandbox trigger --list
    """
    console = Console(highlight=False)
    if listing:
        console.print(_catalog())
        return
    if provider is None or event is None or forward_to is None:
        raise click.UsageError("give PROVIDER, EVENT and --forward-to URL (or --list)")
    try:
        sent = asyncio.run(send_sample(provider, event, forward_to, secret, seed))
    except ValueError as unknown:
        raise click.UsageError(str(unknown)) from None
    except SampleFailed as failed:
        raise click.ClickException(f"the sample could not be made: {failed}") from None
    console.print(f"[bold]→ POST[/] {sent.url}  ({sent.provider} {sent.event})")
    for name, value in sent.headers.items():
        console.print(f"  {name}: {value}", style="dim")
    console.print(f"  {sent.body}", style="dim", soft_wrap=True)
    if sent.status is None:
        raise click.ClickException(f"no answer from {sent.url}: {sent.error}")
    colour = "green" if sent.accepted else "red"
    console.print(f"[bold {colour}]← {sent.status}[/] in {sent.latency_ms} ms  {sent.answer}")
    if not sent.accepted:
        raise click.ClickException(
            f"{sent.provider} would count {sent.status} as not delivered (and retry)"
        )


def _catalog() -> Table:
    table = Table(title="What psp-sandbox trigger can send")
    table.add_column("provider")
    table.add_column("event")
    table.add_column("what happened")
    for plugin in (provider.load() for provider in PROVIDERS):
        if plugin.webhooks is None or not plugin.samples:
            table.add_row(plugin.name, "—", f"{plugin.title} sends no webhooks")
            continue
        for name, sample in plugin.samples.items():
            table.add_row(plugin.name, name, sample.description)
    return table
