"""Concurrent requests on one order never break its rules, on either store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from psp_sandbox.simulator.testing.server import SandboxServer

from .conftest import CREDENTIALS, VISA


@pytest.fixture(params=["memory", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SandboxServer]:
    store = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/sandbox.db"
    with SandboxServer(store=store) as running:
        yield running


async def test_fifty_concurrent_partial_refunds_of_ten_on_a_hundred_let_exactly_ten_through(
    server: SandboxServer,
) -> None:
    headers = {"X-Sandbox-Tenant": "concurrency"}
    async with (
        AsyncTranzzoClient(f"{server.url}/tranzzo", CREDENTIALS, headers=headers) as tranzzo,
        AsyncSandboxAdmin(server.url, "concurrency") as admin,
    ):
        paid = await tranzzo.purchase("o-1", "100.00", "UAH", card=VISA)

        async def refund() -> str:
            try:
                return (await tranzzo.refund("o-1", "UAH", "10.00"))["status"]
            except TranzzoApiError as refused:
                assert (refused.status, refused.code) == (400, "P-411")
                return refused.code or ""

        results = await asyncio.gather(*(refund() for _ in range(50)))
        assert results.count("success") == 10
        assert results.count("P-411") == 40

        stored = await admin.payment(paid["payment_id"])
        assert (stored["captured"], stored["refunded"], stored["status"]) == (
            10000,
            10000,
            "refunded",
        )
        refunds = [op for op in stored["operations"] if op["kind"] == "refund"]
        assert len(refunds) == 10
        assert all(op["status"] == "succeeded" and op["amount"] == 1000 for op in refunds)
        listed = await tranzzo.order_status("o-1")
        assert sum(o["amount"] for o in listed if o["method"] == "refund") == 100
