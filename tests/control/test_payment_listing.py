"""GET /_sandbox/payments: filters by status, amount and time, and pages by cursor."""

from __future__ import annotations

import pytest

from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxApiError
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from tests.providers.tranzzo.conftest import VISA, card, tranzzo

__all__ = ["tranzzo"]


async def refs(admin: AsyncSandboxAdmin, **query: str) -> list[str]:
    answer = await admin.call("GET", "/payments", params=query)
    return [p["reference"] for p in answer["payments"]]


async def test_payments_are_filtered_by_status_and_amount(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    await tranzzo.purchase("small", 1, "UAH", card=VISA)
    await tranzzo.purchase("large", 500, "UAH", card=VISA)
    await tranzzo.purchase("refused", 50, "UAH", card=card("4000000000000002"))
    assert await refs(admin, status="declined") == ["refused"]
    assert await refs(admin, min_amount="5000") == ["refused", "large"]
    assert await refs(admin, min_amount="100", max_amount="5000") == ["refused", "small"]
    clock = await admin.clock()
    assert await refs(admin, to=clock["now"]) == ["refused", "large", "small"]
    assert await refs(admin, **{"from": clock["now"]}) == []


async def test_pages_follow_each_other_by_cursor_to_the_last(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    for n in range(5):
        await tranzzo.purchase(f"o-{n}", 1, "UAH", card=VISA)
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await admin.call("GET", "/payments", params=query)
        seen.extend(p["reference"] for p in page["payments"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["o-4", "o-3", "o-2", "o-1", "o-0"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "lost"}, "status must be one of"),
        ({"min_amount": "1.5"}, "min_amount must be a whole number of minor units"),
        ({"from": "yesterday"}, "from must be an ISO 8601 time"),
        ({"cursor": "%%%"}, "cursor is not one this sandbox gave"),
    ],
)
async def test_bad_filters_are_refused_with_what_is_wrong(
    admin: AsyncSandboxAdmin, query: dict[str, str], message: str
) -> None:
    with pytest.raises(SandboxApiError) as refused:
        await admin.call("GET", "/payments", params=query)
    assert (refused.value.status, refused.value.code) == (400, "invalid_request")
    assert message in refused.value.message
