"""``serve`` with whole steps of every request switched off, to measure what each step costs
(``python -m benchmarks.instructions --steps``). Never a way to run the sandbox: each step
left out is a promise broken.

    python benchmarks/without.py STEP[,STEP...] serve --port 8480 ...

Steps, each switched off by replacing one function in this process only:

- ``journal``: the request journal (masking both bodies, the group commit of the exchange);
- ``activity``: the activity log's line per payment;
- ``queues``: the queued faults and outcomes looked up for each request and operation;
- ``packing``: the memory store's compression of each record.
"""

from __future__ import annotations

import runpy
import sys
from typing import Any
from unittest.mock import patch

from aiohttp import web

from psp_sandbox.simulator import app
from psp_sandbox.simulator.providers.base import ProviderPlugin
from psp_sandbox.simulator.services import payments
from psp_sandbox.simulator.store.packing import Packer


@web.middleware
async def _unrecorded(request: web.Request, handler: Any) -> web.StreamResponse:
    response: web.StreamResponse = await handler(request)
    return response


async def _no_fault(*_args: Any) -> None:
    return None


async def _as_given(_self: Any, _uow: Any, _scope: Any, _payment: Any, command: Any) -> Any:
    return command


def _as_is(_self: Any, data: bytes) -> bytes:
    return data


#: Each step: the functions that take its place.
STEPS: dict[str, list[tuple[Any, str, Any]]] = {
    "journal": [(app, "record_exchanges", _unrecorded)],
    "activity": [(payments, "log_changes", lambda _decision: None)],
    "queues": [
        (ProviderPlugin, "_take_fault", _no_fault),
        (payments.PaymentService, "_with_queued_outcome", _as_given),
    ],
    "packing": [(Packer, "pack", _as_is), (Packer, "unpack", _as_is)],
}


def main() -> None:
    steps, *arguments = sys.argv[1:]
    for step in steps.split(","):
        for owner, name, replacement in STEPS[step]:
            patch.object(owner, name, replacement).start()  # for the life of the process
    sys.argv = ["psp-sandbox", *arguments]
    runpy.run_module("psp_sandbox.simulator.cli", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
