"""Schemathesis over the Macropay OpenAPI document the target serves: no server error, every
answer is one the document declares (status, content type, body schema), and requests built to
break the schema are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode

from psp_sandbox.contracts.schema import CHECKS, headers_for
from psp_sandbox.contracts.target import Target

from .conftest import base_url

OPERATIONS = [
    ("POST", "/v2/orders"),
    ("POST", "/v2/orders/{orderId}/pay"),
    ("POST", "/v2/transactions/{transactionId}/refund"),
    ("GET", "/v2/transactions/{transactionId}"),
]


def test_the_document_lists_every_macropay_operation(macropay_schema: Any) -> None:
    served = {(o.ok().method.upper(), o.ok().path) for o in macropay_schema.get_all_operations()}
    assert set(OPERATIONS) <= served


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_is_documented_and_none_is_a_server_error(
    macropay_schema: Any,
    target: Target,
    api_key: str,
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = macropay_schema[path][method]
    tenant = target.headers(target.fresh_tenant("openapi"))

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case) -> None:
        headers = headers_for(case, {"x-api-key": api_key}, tenant)
        response = case.call(base_url=base_url(target), headers=headers)
        assert response.status_code < 500, response.text
        case.validate_response(response, checks=CHECKS)

    call()
