"""POST /_sandbox/payments/{id}/execute is for card-present providers only."""

from __future__ import annotations

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from tests.providers.tranzzo.conftest import VISA, tranzzo

__all__ = ["tranzzo"]


async def test_a_payment_of_a_card_not_present_provider_cannot_be_executed(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    paid = await tranzzo.purchase("o-1", 10, "UAH", card=VISA)
    with pytest.raises(SandboxApiError) as refused:
        await admin.execute(paid["payment_id"])
    assert (refused.value.status, refused.value.code) == (409, "not_card_present")
    assert refused.value.message == "tranzzo has no card-present transactions"
