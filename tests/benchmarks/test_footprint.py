"""The start-up benchmark's first requests are ones a sandbox answers 200 (timing is measured by
``make bench``, never here)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from benchmarks.footprint import FIRST, first_request
from psp_sandbox.simulator.testing.server import SandboxServer


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.mark.parametrize("first", FIRST)
def test_each_first_request_is_answered_200(server: SandboxServer, first: str) -> None:
    with urllib.request.urlopen(first_request(server.url, first), timeout=30) as answer:
        assert answer.status == 200
        body = json.loads(answer.read())
    assert body["status"] == ("ok" if first == "health" else "success")


def test_each_purchase_is_a_new_order(server: SandboxServer) -> None:
    orders = set()
    for _ in range(2):
        with urllib.request.urlopen(first_request(server.url, "purchase"), timeout=30) as answer:
            orders.add(json.loads(answer.read())["order_id"])
    assert len(orders) == 2
