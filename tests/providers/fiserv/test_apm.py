"""GET and PATCH /payments/apm/{transaction-id}."""

from __future__ import annotations

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined, FiservNotFound

from .conftest import VISA


async def test_the_apm_inquiry_finds_a_transaction_as_the_plain_inquiry_does(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await fiserv.sale("4.00", "EUR", card=VISA)
    found = await fiserv.send("GET", f"/payments/apm/{sale['ipgTransactionId']}")
    plain = await fiserv.transaction(sale["ipgTransactionId"])
    assert {k: v for k, v in found.items() if k not in ("clientRequestId", "apiTraceId")} == {
        k: v for k, v in plain.items() if k not in ("clientRequestId", "apiTraceId")
    }
    with pytest.raises(FiservNotFound):
        await fiserv.send("GET", "/payments/apm/12345678901")


async def test_no_served_transaction_waits_for_an_apm_update(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("4.00", "EUR", card=VISA)
    body = {
        "requestType": "UpdateTransaction",
        "consumerData": [{"item": "BLIK_CODE", "value": "777153"}],
    }
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.send("PATCH", f"/payments/apm/{sale['ipgTransactionId']}", body)
    assert (refused.value.status, refused.value.code) == (409, "50305")
    assert refused.value.body["transactionType"] == "SALE"
    with pytest.raises(FiservNotFound):
        await fiserv.send("PATCH", "/payments/apm/12345678901", body)
