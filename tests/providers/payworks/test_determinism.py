"""With a seed, payworks identifiers and generated details repeat exactly from run to run."""

from __future__ import annotations

from typing import Any

from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.server import SandboxServer

from .conftest import CREDENTIALS, MERCHANT


async def run_script(seed: int) -> list[Any]:
    tenant = {"X-Sandbox-Tenant": "seeded"}
    with SandboxServer(seed=seed) as server:
        async with (
            AsyncPayworksClient(f"{server.url}/payworks", CREDENTIALS, headers=tenant) as pw,
            AsyncSandboxAdmin(server.url, "seeded") as admin,
        ):
            session = await pw.register_charge(MERCHANT, "30.00", "EUR")
            charge = session["transaction"]["identifier"]
            [payment] = await admin.payments(provider="payworks", reference=charge)
            await admin.execute(payment["id"], pin="1234")
            done = await pw.transaction(charge)
            partial = await pw.refund_without_card(charge, "10.00", "EUR")
            other = await pw.register_charge(MERCHANT, "1.00", "EUR")
    return [
        session["identifier"],
        charge,
        done["groupIdentifier"],
        done["cardDetails"]["fingerprint"],
        done["receiptDetails"],
        done["processingDetails"]["identifier"],
        partial["identifier"],
        other["identifier"],
    ]


async def test_the_same_seed_repeats_identifiers_and_generated_details() -> None:
    first = await run_script(7)
    assert await run_script(7) == first
    assert await run_script(8) != first
    assert len(set(first[:3] + first[-2:])) == 5
