"""With a seed, ids and generated details repeat exactly from one run to the next."""

from __future__ import annotations

from typing import Any

from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.simulator.ids import Ids
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

STABLE = (
    "payment_id",
    "transaction_id",
    "gateway_order_id",
    "billing_order_id",
    "cc_token",
    "bank_short_name",
    "cc_mask",
)


async def run_script(seed: int | None) -> list[dict[str, Any]]:
    with SandboxServer(seed=seed) as server:
        async with AsyncTranzzoClient(
            f"{server.url}/tranzzo", CREDENTIALS, headers={"X-Sandbox-Tenant": "seeded"}
        ) as tranzzo:
            first = await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
            refund = await tranzzo.refund("o-1", "UAH", 5)
            second = await tranzzo.auth("o-2", 20, "UAH", card=VISA)
    return [
        {k: first[k] for k in STABLE},
        {"operation_id": refund["operation_id"], "transaction_id": refund["transaction_id"]},
        {k: second[k] for k in STABLE},
    ]


async def test_the_same_seed_repeats_ids_and_generated_details() -> None:
    assert await run_script(7) == await run_script(7)


async def test_another_seed_or_none_gives_other_ids() -> None:
    seven = await run_script(7)
    assert await run_script(8) != seven
    assert (await run_script(None))[0]["payment_id"] != seven[0]["payment_id"]


def test_ids_are_named_by_their_parts() -> None:
    ids = Ids(1)
    assert ids.uuid("a", 1) == Ids(1).uuid("a", 1)
    assert ids.uuid("a", 1) != ids.uuid("a", 2)
    digits = ids.digits(12, "x")
    assert len(digits) == 12
    assert digits[0] != "0"
