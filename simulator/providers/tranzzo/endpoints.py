"""The Tranzzo endpoint table and what its handlers share: documented error answers and the
reading of amounts."""

from __future__ import annotations

from decimal import Decimal

from ...engine.money import InvalidAmount, to_minor
from ...openapi import Answer, Api
from ..base import ApiError
from .mapping import INVALID_PARAMS, error_body
from .models import ErrorBody

api = Api()

_ERRORS = {
    400: Answer(
        "Bad or incomplete parameters, or an operation the order does not allow", ErrorBody
    ),
    401: Answer("Invalid POS_ID, API_KEY, API_SECRET or ENDPOINTS_KEY", ErrorBody),
    404: Answer("Endpoint or payment record not found", ErrorBody),
    406: Answer("POST without application/json content", ErrorBody),
    500: Answer("Internal error: check the order status", ErrorBody),
}


def errors(*statuses: int) -> dict[int, Answer]:
    return {status: _ERRORS[status] for status in statuses}


def invalid(field: str, violation: str) -> ApiError:
    """A 400 naming the field, as Tranzzo's validation errors do."""
    return ApiError(
        400,
        error_body(
            f"Invalid {field} provided", INVALID_PARAMS, field_name=field, violation=violation
        ),
    )


def minor(amount: Decimal, currency: str, field: str) -> int:
    try:
        return to_minor(amount, currency)
    except InvalidAmount:
        raise invalid(
            field, f"Invalid value for {field}: too many decimals for {currency}"
        ) from None


def optional_minor(amount: Decimal | None, currency: str, field: str) -> int | None:
    return None if amount is None else minor(amount, currency, field)
