"""The activity log: one INFO line per request that moved a payment, naming every status it
passed through, with the payment's facts as structured fields and never its card number."""

from __future__ import annotations

import logging

import pytest

from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from tests.providers.tranzzo.conftest import VISA, card

ACTIVITY = "psp_sandbox.payments"


def activity(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == ACTIVITY]


async def test_a_purchase_is_one_line_through_each_status(
    tranzzo: AsyncTranzzoClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACTIVITY)
    await tranzzo.purchase("activity-1", 100.5, "UAH", card=VISA)
    [line] = activity(caplog)
    assert "payment tranzzo activity-1 new -> CREATED -> CAPTURED (100.50 UAH" in line.message
    assert line.statuses == ["new", "CREATED", "CAPTURED"]  # type: ignore[attr-defined]
    assert (line.old_status, line.status) == ("new", "CAPTURED")  # type: ignore[attr-defined]
    assert line.amount_minor == 10050  # type: ignore[attr-defined]
    assert VISA.number not in caplog.text


async def test_each_later_request_that_moves_the_payment_is_a_line_of_its_own(
    tranzzo: AsyncTranzzoClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACTIVITY)
    authorized = await tranzzo.auth("activity-2", 10, "UAH", card=card("4242424242424242"))
    await tranzzo.void(authorized["order_id"], "UAH")
    lines = [r.message for r in activity(caplog)]
    assert len(lines) == 2, lines
    assert "activity-2 new -> CREATED -> AUTHORIZED" in lines[0]
    assert "activity-2 AUTHORIZED -> VOIDED" in lines[1]


async def test_a_refused_request_moves_nothing_and_logs_nothing(
    tranzzo: AsyncTranzzoClient, caplog: pytest.LogCaptureFixture
) -> None:
    await tranzzo.purchase("activity-3", 5, "UAH", card=VISA)
    caplog.set_level(logging.INFO, logger=ACTIVITY)
    with pytest.raises(TranzzoApiError):  # a second purchase of one order is refused
        await tranzzo.purchase("activity-3", 5, "UAH", card=VISA)
    assert activity(caplog) == []
