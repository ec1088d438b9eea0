"""Waiting for something another process or thread does (never for time itself to pass)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T] | T], accept: Callable[[T], bool], within: float = 10.0
) -> T:
    """Call ``probe`` (sync or async) until ``accept`` says yes; fail after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if inspect.isawaitable(value):
            value = await value
        if accept(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"still not there after {within} s: {value!r}")
        await asyncio.sleep(0.02)


async def attempts_recorded(admin: Any, payment_id: str, count: int) -> list[Any]:
    """Wait until the sandbox has stored ``count`` attempts of the payment's webhook (the
    receiver sees a delivery a moment before the sandbox records its answer)."""
    return await eventually(
        lambda: admin.webhooks(payment_id=payment_id),
        lambda found: (
            bool(found) and len(found[0]["attempts"]) >= count and found[0]["state"] != "in_flight"
        ),
    )
