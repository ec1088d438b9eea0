"""Schemathesis over the sandbox's own Tranzzo OpenAPI document: whatever the generated input,
no 5xx, and every answer is a documented status with a body matching its documented schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from psp_sandbox.client.tranzzo import TranzzoCredentials
from psp_sandbox.contracts.schema import CHECKS, headers_for
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.providers.tranzzo import TranzzoPlugin

DOCUMENT = TranzzoPlugin.openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def auth_headers(credentials: TranzzoCredentials) -> dict[str, str]:
    return {
        "X-API-AUTH": f"CPAY {credentials.api_key}:{credentials.api_secret}",
        "X-API-KEY": credentials.endpoints_key,
    }


@pytest.fixture(scope="module")
def tenant_header(sandbox_target: Target) -> dict[str, str]:
    return sandbox_target.headers(sandbox_target.fresh_tenant("schemathesis"))


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_tranzzo_api_answers_as_documented(
    case: Any, sandbox_target: Target, auth_headers: dict[str, str], tenant_header: dict[str, str]
) -> None:
    headers = headers_for(case, auth_headers, tenant_header)
    response = case.call(base_url=sandbox_target.provider_url("tranzzo"), headers=headers)
    case.validate_response(response, checks=CHECKS)
