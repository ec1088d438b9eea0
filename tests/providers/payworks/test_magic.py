"""The payworks Test Card's amount table, as GET /_sandbox/magic lists it."""

from __future__ import annotations

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.payworks.magic import TEST_CARD


async def test_the_magic_values_list_the_test_cards_amount_table(admin: AsyncSandboxAdmin) -> None:
    listed = (await admin.magic())["payworks"]
    rows = {row["amount"]: row for row in listed if "amount" in row}
    assert {row["card_number"] for row in rows.values()} == {TEST_CARD}
    assert (rows["0xx.00"]["result"], rows["1xx.00"]["reason"]) == ("approved", "card_declined")
    assert (rows["2xx.00"]["reason"], rows["3xx.00"]["reason"]) == ("do_not_honour", "card_blocked")
    assert rows["xx1.00"]["reason"] == "pin_tries_exceeded"
    assert {">= 1000.00", "x0x.00", "x1x.00", "x2x.00", "x3x.00", "x4x.00", "xx0.00"} <= set(rows)
    neutral = [row for row in listed if row["source"] == "neutral"]
    assert "4000000000000002" in {row["card_number"] for row in neutral}
