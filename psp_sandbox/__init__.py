"""psp-sandbox: a local, stateful simulator of payment providers' HTTP APIs, its clients and its
contract tests, under one import namespace (``psp_sandbox.simulator``, ``psp_sandbox.client``,
``psp_sandbox.contracts``)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("psp-sandbox")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"
