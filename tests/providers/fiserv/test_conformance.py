"""The official-spec check itself: it runs over every Fiserv test, and it can fail."""

from __future__ import annotations

from psp_sandbox.client.fiserv import AsyncFiservClient

from .conformance import Recorded, problems
from .conftest import VISA


async def test_every_answer_of_a_test_is_recorded_for_the_official_check(
    fiserv: AsyncFiservClient, official_conformance: list[Recorded]
) -> None:
    sale = await fiserv.sale("1.00", "EUR", card=VISA)
    await fiserv.transaction(sale["ipgTransactionId"])
    assert [(a.method, a.status) for a in official_conformance] == [("POST", 200), ("GET", 200)]
    assert official_conformance[0].path == "/fiserv/gateway/v2/payments"


def test_the_check_refuses_answers_the_official_document_does_not_allow() -> None:
    wrong_state = Recorded(
        "GET",
        "/fiserv/gateway/v2/payments/123",
        200,
        {"ipgTransactionId": "123", "transactionState": "FINISHED"},
    )
    undocumented = Recorded("GET", "/fiserv/gateway/v2/orders/x", 409, {})
    wrong_type = Recorded("POST", "/fiserv/gateway/v2/payments", 200, {"transactionTime": "soon"})
    found = problems([wrong_state, undocumented, wrong_type])
    assert len(found) == 3
    assert "FINISHED" in found[0]
    assert "does not declare 409" in found[1]
    assert "transactionTime" in found[2]


def test_the_documented_differences_are_all_that_is_relaxed() -> None:
    error_403 = {"responseType": "Forbidden", "error": {"code": "403", "message": "x"}}
    assert problems([Recorded("POST", "/fiserv/gateway/v2/payments", 403, error_403)]) == []
    still_enum = {**error_403, "responseType": "Teapot"}
    assert problems([Recorded("POST", "/fiserv/gateway/v2/payments", 403, still_enum)])
    card = {"bin": "411111", "last4": "1111", "expiryDate": {"month": "12", "year": "2030"}}
    answer = {"paymentMethodDetails": {"paymentCard": card}}
    assert problems([Recorded("GET", "/fiserv/gateway/v2/payments/1", 200, answer)]) == []
    card["expiryDate"]["year"] = "20301"
    assert problems([Recorded("GET", "/fiserv/gateway/v2/payments/1", 200, answer)])
