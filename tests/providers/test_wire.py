"""The wire types providers share: amounts as JSON numbers in major units, ISO currencies."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from psp_sandbox.simulator.providers.macropay import auth as macropay_auth
from psp_sandbox.simulator.providers.wire import AmountNumber, Currency, check_decimals
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.providers.payworks.conftest import CREDENTIALS, MERCHANT


class Money(BaseModel):
    model_config = ConfigDict(strict=True)
    amount: AmountNumber
    currency: Currency


@pytest.mark.parametrize(
    "raw",
    [
        '{"amount": NaN, "currency": "EUR"}',
        '{"amount": Infinity, "currency": "EUR"}',
        '{"amount": "1.00", "currency": "EUR"}',
        '{"amount": true, "currency": "EUR"}',
        '{"amount": 0, "currency": "EUR"}',
        '{"amount": 1e12, "currency": "EUR"}',
        '{"amount": 1, "currency": "eur"}',
    ],
)
def test_what_is_not_a_positive_json_number_in_a_known_currency_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        Money.model_validate_json(raw)


def test_amounts_are_exact_dump_as_json_numbers_and_decimals_are_checked_per_currency() -> None:
    assert Money.model_validate_json('{"amount": 10, "currency": "EUR"}').amount == 10
    assert Money.model_validate_json('{"amount": 0.95, "currency": "EUR"}').amount == Decimal(
        "0.95"
    )
    assert Money.model_validate_json('{"amount": 0.95, "currency": "EUR"}').model_dump(
        mode="json"
    ) == {"amount": 0.95, "currency": "EUR"}
    check_decimals(Decimal("0.125"), "KWD")
    with pytest.raises(ValueError, match="more decimals than JPY allows"):
        check_decimals(Decimal("0.5"), "JPY")


@pytest.mark.parametrize(
    ("provider", "path", "headers", "body", "status"),
    [
        ("macropay", "/v2/orders", {"x-api-key": macropay_auth.DEFAULT_API_KEY},
         '{"money": {"amount": NaN, "currency": "EUR"}}', 400),
        ("payworks", f"/v2/merchants/{MERCHANT}/transactionSessions",
         {"Authorization": CREDENTIALS.authorization},
         '{"transaction": {"amount": NaN, "currency": "EUR", "type": "CHARGE"}}', 400),
    ],
)  # fmt: skip
async def test_a_nan_amount_is_refused_in_the_providers_envelope_not_a_server_error(
    sandbox: Sandbox, provider: str, path: str, headers: dict[str, str], body: str, status: int
) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            sandbox.base_url(provider) + path,
            content=body,
            headers={**headers, **sandbox.headers, "Content-Type": "application/json"},
        )
    assert answer.status_code == status, answer.text
    assert "error" in answer.json()
