"""``psp-sandbox listen``: a tenant's payments and webhook deliveries, live in the terminal."""

from __future__ import annotations

import json
import time
from typing import Any

import click
import httpx
from httpx_sse import SSEError, connect_sse
from rich.console import Console
from rich.text import Text

from ...client.sandbox import admin_headers
from .connection import sandbox_options

#: Status words by colour: what went well, what did not, what is still under way.
_GOOD = {"captured", "authorized", "settled", "refunded", "partially_refunded", "delivered"}
_BAD = {"declined", "failed", "expired", "cancelled", "voided", "dropped"}


@click.command()
@click.option("--tenant", default=None, help="Only this tenant  [default: every tenant].")
@click.option("--after", type=int, default=None, help="Replay from this event id on.")
@sandbox_options
def listen(tenant: str | None, after: int | None, url: str, token: str | None) -> None:
    """Stream a tenant's payments and webhook deliveries as they change (Ctrl-C stops).

    The same feed as the dashboard (GET /_sandbox/events); it resumes where it was after a
    restart of the sandbox.
    """
    console = Console(highlight=False)
    where = f"tenant {tenant}" if tenant else "every tenant"
    console.print(f"[bold]listening[/] to {where} at {url}  (Ctrl-C stops)")
    last = after
    try:
        while True:
            try:
                last = _follow(console, url, tenant, token, last)
            except (httpx.TransportError, SSEError) as error:
                console.print(f"[yellow]connection lost ({type(error).__name__}); retrying…[/]")
                time.sleep(1)
    except KeyboardInterrupt:
        console.print("stopped")


def _follow(
    console: Console, url: str, tenant: str | None, token: str | None, last: int | None
) -> int | None:
    params = {"tenant": tenant} if tenant else {}
    headers = admin_headers(None, token)
    if last is not None:
        headers["Last-Event-ID"] = str(last)
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=None), headers=headers) as http,
        connect_sse(http, "GET", f"{url.rstrip('/')}/_sandbox/events", params=params) as source,
    ):
        if source.response.status_code != 200:
            source.response.read()
            raise click.ClickException(
                f"the sandbox answered {source.response.status_code}: {source.response.text}"
            )
        for event in source.iter_sse():
            console.print(line(event.event, json.loads(event.data)))
            last = int(event.id) if event.id.isdigit() else last
    return last


def line(kind: str, data: dict[str, Any]) -> Text:
    """One event as one line of coloured text."""
    text = Text()
    if kind == "reset":
        return text.append(f"reset    tenant {data['tenant']}", style="bold magenta")
    if kind == "payment":
        text.append("payment  ", style="bold cyan")
        text.append(f"{data['provider']:<9} {data['reference']:<24} ")
        text.append(f"{data['status']:<19}", style=_style(data["status"]))
        text.append(f" {data['amount']} {data['currency']} (minor units)")
        text.append(f"  captured {data['captured']} refunded {data['refunded']}", style="dim")
        return text.append(f"  {data['tenant']} {data['id']}", style="dim")
    text.append("webhook  ", style="bold blue")
    text.append(f"{data['provider']:<9} {data['event']:<24} ")
    text.append(f"{data['state']:<19}", style=_style(data["state"]))
    answer = data["last_status"] or data["last_error"] or "not sent yet"
    text.append(f" attempts {data['attempts']}, last: {answer}")
    if data["timeouts"]:
        text.append(f", {data['timeouts']} timed out", style="yellow")
    if data["faults"]:
        text.append(f"  chaos: {', '.join(data['faults'])}", style="yellow")
    return text.append(f"  {data['url']}", style="dim")


def _style(status: str) -> str:
    if status in _GOOD:
        return "green"
    if status in _BAD:
        return "red"
    return "yellow"
