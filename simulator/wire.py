"""The base of the sandbox's pydantic models: each builds its validator on first use, not at import.

Building ~230 models' validators and serializers at import was the largest part of
``psp-sandbox serve``'s start-up. With ``defer_build`` a model is built when it is first
used; :func:`build_wire_models` builds the rest in the background once the port is open, so that
no provider's first request pays for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict

#: For a ``TypeAdapter`` of a type that is not a model (an ``Annotated`` union of models).
DEFERRED = ConfigDict(defer_build=True)


class WireModel(BaseModel):
    """A pydantic model built on first use; subclasses add their own configuration."""

    model_config = DEFERRED


def wire_models() -> Iterator[type[WireModel]]:
    """Every subclass of :class:`WireModel` defined so far, parents before their subclasses."""
    pending = list(WireModel.__subclasses__())
    while pending:
        model = pending.pop(0)
        yield model
        pending.extend(model.__subclasses__())


async def build_wire_models() -> int:
    """Build the models not built yet, one per turn of the event loop so that requests arriving
    meanwhile wait for one model at most; return how many were built."""
    built = 0
    for model in wire_models():
        if not model.__pydantic_complete__:
            model.model_rebuild()
            built += 1
            await asyncio.sleep(0)
    return built
