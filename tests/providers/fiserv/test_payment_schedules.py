"""Payment schedules (/payment-schedules): recurring sales charged on the tenant clock."""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from psp_sandbox.client.fiserv import (
    AsyncFiservClient,
    FiservBadRequest,
    FiservDeclined,
    FiservNotFound,
    amount,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import TenantClock, card

DAY = 86_400


def today(clock: TenantClock) -> date:
    return datetime.fromtimestamp(clock(), UTC).date()


def schedule(clock: TenantClock, **fields: Any) -> dict[str, Any]:
    return {
        "requestType": "PaymentMethodPaymentSchedulesRequest",
        "startDate": today(clock).isoformat(),
        "transactionAmount": amount("9.99", "EUR"),
        "frequency": {"every": 1, "unit": "DAY"},
        "paymentMethod": {"paymentCard": card("4111111111111111").as_json()},
        **fields,
    }


async def runs(fiserv: AsyncFiservClient, order_id: str) -> Any:
    return await fiserv.send("GET", f"/payment-schedules/{order_id}")


async def test_a_schedule_charges_each_run_on_the_tenant_clock_until_its_count(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    created = await fiserv.send(
        "POST", "/payment-schedules", schedule(clock, orderId="plan-1", numberOfPayments=3)
    )
    assert (created["requestStatus"], created["orderId"], created["state"]) == (
        "SUCCESS",
        "plan-1",
        "Installed",
    )
    await clock.advance(admin, 0)  # the first run falls due at once: start date is today
    first = await runs(fiserv, "plan-1")
    assert [t["transactionType"] for t in first["transactions"]] == ["SALE"]
    details = first["recurringPaymentDetails"]
    assert (details["runCount"], details["state"], details["numberOfPayments"]) == (
        1,
        "Installed",
        3,
    )
    tomorrow = today(clock) + timedelta(days=1)
    assert details["nextAttemptDate"] == tomorrow.strftime("%Y/%m/%d")
    assert details["frequency"] == {"every": 1, "unit": "DAY"}
    await clock.advance(admin, DAY - 60)
    assert (await runs(fiserv, "plan-1"))["recurringPaymentDetails"]["runCount"] == 1
    await clock.advance(admin, 60)
    await clock.advance(admin, DAY)
    await clock.advance(admin, DAY)
    done = await runs(fiserv, "plan-1")
    assert [t["transactionResult"] for t in done["transactions"]] == ["APPROVED"] * 3
    assert done["recurringPaymentDetails"]["state"] == "Inactivated"
    assert "nextAttemptDate" not in done["recurringPaymentDetails"]
    run = await fiserv.order("plan-1-2")
    assert run["transactions"][0]["transactionState"] in ("CAPTURED", "SETTLED")


async def test_one_long_clock_advance_charges_each_run_at_its_own_time(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.send(
        "POST", "/payment-schedules", schedule(clock, orderId="plan-w", numberOfPayments=4)
    )
    await clock.advance(admin, 0)
    await clock.advance(admin, 3 * DAY + 3600)  # one call: three runs fall due inside it
    found = await runs(fiserv, "plan-w")
    times = [t["transactionTime"] for t in found["transactions"]]
    assert len(times) == 4
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == [DAY] * 3
    assert found["recurringPaymentDetails"]["state"] == "Inactivated"


async def test_a_monthly_schedule_keeps_its_day_of_the_month(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    start = today(clock) + timedelta(days=1)
    body = schedule(clock, orderId="plan-m", startDate=start.isoformat(),
                    frequency={"every": 1, "unit": "MONTH"})  # fmt: skip
    await fiserv.send("POST", "/payment-schedules", body)
    await clock.advance(admin, 60)
    before = (await runs(fiserv, "plan-m"))["recurringPaymentDetails"]
    assert (before["runCount"], before["nextAttemptDate"]) == (0, start.strftime("%Y/%m/%d"))
    await clock.advance(admin, DAY)
    after = (await runs(fiserv, "plan-m"))["recurringPaymentDetails"]
    month = start.month % 12 + 1
    year = start.year + (start.month == 12)
    expected = start.replace(year=year, month=month,
                             day=min(start.day, calendar.monthrange(year, month)[1]))  # fmt: skip
    assert (after["runCount"], after["nextAttemptDate"]) == (1, expected.strftime("%Y/%m/%d"))


async def test_runs_stop_after_the_maximum_of_failures(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    body = schedule(
        clock,
        orderId="plan-f",
        maximumFailures=2,
        paymentMethod={"paymentCard": card("4000000000009995").as_json()},
    )
    await fiserv.send("POST", "/payment-schedules", body)
    for _ in range(4):
        await clock.advance(admin, DAY)
    found = await runs(fiserv, "plan-f")
    assert [t["transactionResult"] for t in found["transactions"]] == ["DECLINED", "DECLINED"]
    assert found["recurringPaymentDetails"]["state"] == "Inactivated"


async def test_a_cancelled_schedule_charges_nothing_more(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.send("POST", "/payment-schedules", schedule(clock, orderId="plan-c"))
    await clock.advance(admin, 0)
    cancelled = await fiserv.send("DELETE", "/payment-schedules/plan-c")
    assert cancelled["state"] == "Cancelled"
    await clock.advance(admin, 3 * DAY)
    found = await runs(fiserv, "plan-c")
    assert (len(found["transactions"]), found["recurringPaymentDetails"]["state"]) == (
        1,
        "Cancelled",
    )
    with pytest.raises(FiservDeclined) as again:
        await fiserv.send("DELETE", "/payment-schedules/plan-c")
    assert again.value.code == "50305"


async def test_a_patch_changes_the_amount_and_the_next_attempt(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.send("POST", "/payment-schedules", schedule(clock, orderId="plan-p"))
    await clock.advance(admin, 0)
    later = today(clock) + timedelta(days=5)
    patch = {
        "requestType": "ReferencedOrderPaymentSchedulesPatchRequest",
        "referencedOrderId": "plan-p-1",
        "transactionAmount": amount("19.99", "EUR"),
        "frequency": {"every": 1, "unit": "WEEK"},
        "nextAttemptDate": later.isoformat(),
    }
    assert (await fiserv.send("PATCH", "/payment-schedules/plan-p", patch))["state"] == "Installed"
    await clock.advance(admin, 4 * DAY)
    assert len((await runs(fiserv, "plan-p"))["transactions"]) == 1
    await clock.advance(admin, DAY)
    found = await runs(fiserv, "plan-p")
    assert [t["approvedAmount"]["total"] for t in found["transactions"]] == [9.99, 19.99]
    assert found["recurringPaymentDetails"]["frequency"] == {"every": 1, "unit": "WEEK"}


async def test_a_schedule_may_charge_the_card_of_an_earlier_order(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    await fiserv.sale("1", "EUR", card=card("5555555555554444"), order_id="first-order")
    body = schedule(clock, orderId="plan-r", referencedOrderId="first-order")
    body["requestType"] = "ReferencedOrderPaymentSchedulesRequest"
    del body["paymentMethod"]
    await fiserv.send("POST", "/payment-schedules", body)
    await clock.advance(admin, 0)
    [run] = (await runs(fiserv, "plan-r"))["transactions"]
    assert run["paymentMethodDetails"]["paymentCard"]["last4"] == "4444"
    unknown = {**body, "orderId": "plan-x", "referencedOrderId": "no-such-order"}
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.send("POST", "/payment-schedules", unknown)
    assert refused.value.code == "50715"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"startDate": "2001-01-01"}, "startDate"),
        ({"frequency": {"every": 0, "unit": "DAY"}}, "frequency.every"),
        ({"frequency": {"every": 1, "unit": "HOUR"}}, "frequency.unit"),
        ({"numberOfPayments": 1000}, "numberOfPayments"),
    ],
)
async def test_a_schedule_the_spec_forbids_is_a_400(
    fiserv: AsyncFiservClient, clock: TenantClock, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(FiservBadRequest) as bad:
        await fiserv.send("POST", "/payment-schedules", schedule(clock, **changes))
    assert bad.value.body["error"]["details"][0]["field"].endswith(field)


async def test_an_unknown_schedule_is_404(fiserv: AsyncFiservClient) -> None:
    with pytest.raises(FiservNotFound):
        await runs(fiserv, "no-such-plan")


async def test_a_retried_request_gets_its_first_answer_and_installs_one_schedule(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    tomorrow = (today(clock) + timedelta(days=1)).isoformat()
    body = schedule(clock, orderId="plan-retry", startDate=tomorrow)
    first = await fiserv.send("POST", "/payment-schedules", body, client_request_id="cid-plan")
    again = await fiserv.send("POST", "/payment-schedules", body, client_request_id="cid-plan")
    assert again == first
    cancelled = await fiserv.send(
        "DELETE", "/payment-schedules/plan-retry", client_request_id="cid-x"
    )
    assert (
        await fiserv.send("DELETE", "/payment-schedules/plan-retry", client_request_id="cid-x")
        == cancelled
    )
    await clock.advance(admin, DAY)
    assert (await runs(fiserv, "plan-retry"))["transactions"] == []
