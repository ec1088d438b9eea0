"""Webhook chaos: what a queued webhook fault does to the next notification of a tenant.

Applied when the notification is queued, in the same unit of work as the change that caused
it, and noted on the delivery (``Delivery.faults``) so the delivery log says what was done:

- ``drop``      recorded as dropped; never sent
- ``delay``     sent ``seconds`` later (tenant clock)
- ``duplicate`` sent twice (the copy names the original)
- ``reorder``   the next ``count`` deliveries are held; once the last of them is queued they
                are released in reverse or shuffled (``seed``) order, ``spacing_seconds``
                apart on the tenant clock, so each advance of the clock by that much sends
                the next. Deliveries still held ``hold_seconds`` after they were queued go out
                in the new order all the same: nothing waits for ever.
- ``timeout``   the answers to the first ``attempts`` attempts are not counted, as if they
                came too late: the receiver gets the webhook, the provider retries it.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from ..store import Delivery, DeliveryState, UnitOfWork

Entry = Mapping[str, Any]

REORDER = "reorder"
TIMEOUT = "timeout"


async def apply(uow: UnitOfWork, entry: Entry, delivery: Delivery) -> list[Delivery]:
    """The deliveries to save for ``delivery`` under the fault ``entry`` (as queued, with
    ``remaining`` left after this one)."""
    noted = {k: entry.get(k) for k in _NOTED.get(entry["kind"], ())}
    kind = entry["kind"]
    marked = replace(delivery, faults=(*delivery.faults, {"kind": kind, **noted}))
    match kind:
        case "drop":
            return [replace(marked, state=DeliveryState.DROPPED)]
        case "delay":
            later = timedelta(seconds=int(entry.get("seconds") or 0))
            return [replace(marked, due_at=marked.due_at + later)]
        case "duplicate":
            return [marked, replace(marked, id=f"{delivery.id}-dup", copy_of=delivery.id)]
        case "timeout":
            return [marked]
        case "reorder":
            return await _reorder(uow, entry, delivery)
    return [delivery]


def answer_ignored(delivery: Delivery) -> bool:
    """Whether the answer to the delivery's next attempt is not to be counted (``timeout``)."""
    return any(
        f["kind"] == TIMEOUT and len(delivery.attempts) < int(f.get("attempts") or 1)
        for f in delivery.faults
    )


def take_note(entry: Entry, delivery: Delivery) -> dict[str, Any]:
    """What a reorder fault remembers of each delivery it holds (kept on the queued entry)."""
    if entry["kind"] != REORDER:
        return {}
    return {
        "group": entry.get("group") or delivery.id,
        "members": [*entry.get("members", ()), delivery.id],
    }


#: The fault's parameters noted on each delivery it acts on.
_NOTED: Mapping[str, tuple[str, ...]] = {"delay": ("seconds",), "timeout": ("attempts",)}


async def _reorder(uow: UnitOfWork, entry: Entry, delivery: Delivery) -> list[Delivery]:
    members: list[str] = list(entry["members"])
    size = len(members) + int(entry["remaining"])
    seed, order = entry.get("seed"), entry.get("order") or "reverse"
    ranks = _ranks(size, order, entry["group"] if seed is None else seed)
    spacing = timedelta(seconds=float(entry.get("spacing_seconds") or 1))
    position = len(members) - 1
    note = {
        "kind": REORDER,
        "group": entry["group"],
        "order": order,
        "seed": seed,
        "position": position + 1,
        "of": size,
        "sent_as": ranks[position] + 1,
        "released": False,
    }
    if entry["remaining"] > 0:  # hold it: it goes out with the group, or after hold_seconds
        hold = timedelta(seconds=float(entry.get("hold_seconds") or 300))
        due = delivery.due_at + hold + spacing * ranks[position]
        return [replace(delivery, due_at=due, faults=(*delivery.faults, note))]
    # The group is complete: release every member still waiting, in the new order.
    now = delivery.due_at
    released: list[Delivery] = []
    for index, member_id in enumerate(members[:-1]):
        member = await uow.get_delivery(member_id)
        if member is None or member.state is not DeliveryState.PENDING or member.attempts:
            continue  # sent already (held past hold_seconds), dropped, or gone
        released.append(
            replace(member, due_at=now + spacing * ranks[index], faults=_released(member.faults))
        )
    last = replace(
        delivery,
        due_at=now + spacing * ranks[position],
        faults=(*delivery.faults, {**note, "released": True}),
    )
    return [*released, last]


def _ranks(size: int, order: str, seed: int | str) -> list[int]:
    """The place each member (by arrival) takes when the group goes out."""
    if order == "shuffle":
        places = list(range(size))
        random.Random(seed).shuffle(places)
        return places
    return [size - 1 - i for i in range(size)]


def _released(faults: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
    return tuple({**f, "released": True} if f["kind"] == REORDER else f for f in faults)
