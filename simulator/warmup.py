"""What the sandbox builds once its port is open, so that no first request pays for it."""

from __future__ import annotations

import asyncio

from .outcomes.processor import DEFAULT_LOCALE, bank_names
from .wire import build_wire_models


async def warm_up() -> None:
    """Build the wire models not built yet, then draw the default locale's bank names (faker's
    import, ~0.1 s) in a thread, while the event loop goes on serving."""
    await build_wire_models()
    await asyncio.to_thread(bank_names, DEFAULT_LOCALE)
