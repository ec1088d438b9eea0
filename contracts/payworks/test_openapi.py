"""Schemathesis over the payworks OpenAPI document the target serves, positive and negative:
no server error, every answer one the document declares (status, content type, body schema)
— errors in the payworks envelope — and requests built to break the schema are refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode

from psp_sandbox.client.payworks import PayworksCredentials
from psp_sandbox.contracts.schema import CHECKS, headers_for
from psp_sandbox.contracts.target import Target

from .conftest import base_url

OPERATIONS = [
    ("POST", "/v2/merchants/{merchantIdentifier}/transactionSessions"),
    ("GET", "/v2/transactions/{transactionIdentifier}"),
    ("POST", "/v2/transactions/{transactionIdentifier}/abort"),
    ("POST", "/v2/transactions/{transactionIdentifier}/refunds"),
]
ERROR_TYPES = {
    "ParameterMissing", "ParameterInvalid", "ServerAuthenticationFailed", "MerchantNotFound",
    "TransactionSessionNotFound", "TransactionReferenceNotFound", "TransactionInvalid",
    "TransactionNoLongerAbortable", "NotFound",
}  # fmt: skip


def test_the_document_lists_every_payworks_operation(payworks_schema: Any) -> None:
    served = {(o.ok().method.upper(), o.ok().path) for o in payworks_schema.get_all_operations()}
    assert set(OPERATIONS) <= served


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_is_documented_and_none_is_a_server_error(
    payworks_schema: Any,
    target: Target,
    account: tuple[PayworksCredentials, str],
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    operation = payworks_schema[path][method]
    tenant = target.headers(target.fresh_tenant("openapi"))
    credentials, _merchant = account

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Case) -> None:
        headers = headers_for(case, {"Authorization": credentials.authorization}, tenant)
        response = case.call(base_url=base_url(target), headers=headers)
        assert response.status_code < 500, response.text
        case.validate_response(response, checks=CHECKS)
        if response.status_code >= 400:
            body = response.json()
            assert body["status"] == "error" and body["error"]["type"] in ERROR_TYPES, body

    call()
