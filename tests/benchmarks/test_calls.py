"""The calls-by-layer benchmark charges each call to the layer a reader would name, from
cProfile's caller graph (its numbers come from ``python -m benchmarks.calls``, never from
here)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.calls import layered
from benchmarks.layers import HTTP, LAYERS

SIM = "/app/psp_sandbox/simulator"
NAMES = {name.split(" (")[0]: name for name, _ in LAYERS}

HANDLE = ("/site/aiohttp/web_protocol.py", 577, "_handle_request")
RECORD = (f"{SIM}/journal/middleware.py", 47, "_record")
EXCERPT = (f"{SIM}/journal/masking.py", 129, "excerpt")
MASK = (f"{SIM}/outcomes/processor.py", 20, "mask")
COMMIT = (f"{SIM}/store/memory.py", 361, "commit")
PAYMENT = (f"{SIM}/providers/tranzzo/payments.py", 113, "create_payment")
FUTURE = ("~", 0, "<method 'create_future' of 'asyncio' objects>")
FIND = ("~", 0, "<method 'find' of 'bytes' objects>")


def stats(edges: dict[tuple[Any, ...], dict[tuple[Any, ...], int]]) -> Any:
    """cProfile's statistics for a call graph: callee -> {caller: calls}; a function nobody
    called was entered ``calls`` times from outside (the event loop)."""
    table: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    functions = set(edges) | {caller for callers in edges.values() for caller in callers}
    for function in functions:
        callers = {c: (n, n, 0.0, 0.0) for c, n in edges.get(function, {}).items()}
        calls = sum(n for n, *_ in callers.values()) or 1
        table[function] = (calls, calls, 0.0, 0.0, callers)
    return SimpleNamespace(stats=table)


def test_a_layer_pays_for_its_own_functions_and_the_library_calls_they_make() -> None:
    counts = layered(stats({PAYMENT: {HANDLE: 10}, FIND: {PAYMENT: 30}}))
    assert counts == pytest.approx({HTTP: 1, NAMES["provider"]: 40})


def test_the_journal_owns_what_it_calls_but_the_store() -> None:
    counts = layered(
        stats(
            {RECORD: {HANDLE: 10}, EXCERPT: {RECORD: 20}, MASK: {EXCERPT: 5}, COMMIT: {RECORD: 10}}
        )
    )
    assert counts == pytest.approx({HTTP: 1, NAMES["journal"]: 35, NAMES["store"]: 10})


def test_a_library_function_called_from_several_layers_is_shared_by_their_calls() -> None:
    counts = layered(
        stats(
            {
                PAYMENT: {HANDLE: 10},
                EXCERPT: {HANDLE: 10},
                FUTURE: {PAYMENT: 30, EXCERPT: 10},
                FIND: {FUTURE: 8},  # what the shared function calls is shared the same way
            }
        )
    )
    assert counts[NAMES["provider"]] == pytest.approx(10 + 30 + 6)
    assert counts[NAMES["journal"]] == pytest.approx(10 + 10 + 2)


def test_recursion_ends_and_counts_every_call() -> None:
    counts = layered(stats({PAYMENT: {HANDLE: 1, PAYMENT: 4}}))
    assert sum(counts.values()) == pytest.approx(1 + 1 + 4)
    assert counts[NAMES["provider"]] == pytest.approx(1 + 4)
