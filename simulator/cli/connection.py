"""How a command reaches a running sandbox: its URL and admin token, and clear errors when it
cannot."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from ...client.sandbox import SandboxAdmin, SandboxApiError, SandboxTransportError

DEFAULT_URL = "http://127.0.0.1:8480"
TOKEN_ENV = "PSP_SANDBOX_ADMIN_TOKEN"

F = TypeVar("F", bound=Callable[..., Any])


def sandbox_options(command: F) -> F:
    """``--url`` and ``--token`` (also from the environment) on a command."""
    command = click.option(
        "--token",
        envvar=TOKEN_ENV,
        default=None,
        help=f"The sandbox's admin token, if it has one (or ${TOKEN_ENV}).",
    )(command)
    return click.option(
        "--url",
        envvar="PSP_SANDBOX_URL",
        default=DEFAULT_URL,
        show_default=True,
        help="The running sandbox (or $PSP_SANDBOX_URL).",
    )(command)


@contextmanager
def admin_client(url: str, token: str | None, tenant: str | None = None) -> Iterator[SandboxAdmin]:
    """An admin client; its failures become one-line command errors."""
    try:
        with SandboxAdmin(url, tenant, token=token) as admin:
            yield admin
    except SandboxTransportError as error:
        raise click.ClickException(f"no sandbox answered at {url}: {error}") from None
    except SandboxApiError as error:
        raise click.ClickException(f"{error.code or error.status}: {error.message}") from None
