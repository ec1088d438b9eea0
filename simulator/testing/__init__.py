"""Test helpers for psp-sandbox users: an in-process sandbox, a webhook sink, pytest fixtures."""

from .server import SandboxServer
from .sink import Delivery, WebhookSink

__all__ = ["Delivery", "SandboxServer", "WebhookSink"]
