"""psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs, its clients and its
contract tests, under one import namespace (``psp_sandbox.simulator``, ``psp_sandbox.client``,
``psp_sandbox.contracts``)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def _version() -> str:
    # importlib.metadata scans the installed distributions: a few hundredths of a second that
    # ``psp-sandbox serve`` pays only when a page shows the version.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("psp-sandbox")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


def __getattr__(name: str) -> Any:
    """``__version__``, read from the installed package's metadata when first asked for."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
