"""What the sandbox builds once its port is open, so that no first request pays for it."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterable

from .engine.money import exponent
from .lazy_subapp import LazySubAppResource
from .outcomes.processor import DEFAULT_LOCALE, bank_names
from .store.codec import build_readers
from .wire import build_wire_models

log = logging.getLogger(__name__)


async def warm_up(mounts: Iterable[LazySubAppResource] = ()) -> None:
    """Read the ISO 4217 table, then mount what was not requested yet — the providers, then the
    admin API, explorer, guides, dashboard and hosted pages — each imported in a worker thread
    (the event loop goes on serving), then build the wire models not built yet and, in a
    thread, what reads stored records back, then draw the default locale's bank names
    (faker's import, ~0.1 s) in a thread. A process that froze its start-up objects
    (``gc.freeze``) freezes these too."""
    await asyncio.to_thread(exponent, "EUR")
    for mount in mounts:
        try:
            await mount.mount()
        except Exception:  # its first request tries again, and answers what went wrong
            log.exception("could not load the provider at %s", mount.canonical)
    await build_wire_models()
    await asyncio.to_thread(build_readers)
    await asyncio.to_thread(bank_names, DEFAULT_LOCALE)
    if gc.get_freeze_count():
        # The process keeps what it built at start out of garbage collections (``serve``
        # does): what the warm-up built is as long-lived.
        gc.freeze()
