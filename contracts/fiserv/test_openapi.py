"""Schemathesis over the sandbox's own Fiserv OpenAPI document: whatever the generated input,
no 5xx, and every answer is a documented status with a body matching its documented schema.

The gateway's headers are security schemes in that document, so they are not generated: every
call gets a fresh Client-Request-Id and a current Timestamp, under an Api-Key the sandbox has
not seen (open mode accepts it; without a known secret no signature is needed).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from psp_sandbox.contracts.schema import CHECKS, headers_for
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.providers.fiserv import FiservPlugin

DOCUMENT = FiservPlugin.openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def tenant(sandbox_target: Target) -> str | None:
    return sandbox_target.fresh_tenant("schemathesis-fiserv")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_fiserv_api_answers_as_documented(
    case: Any, sandbox_target: Target, tenant: str | None
) -> None:
    gateway = {
        "Api-Key": f"schemathesis-{tenant}",
        "Client-Request-Id": str(uuid.uuid4()),
        "Timestamp": str(int(time.time() * 1000)),
    }
    headers = headers_for(case, gateway, sandbox_target.headers(tenant))
    response = case.call(
        base_url=sandbox_target.provider_url("fiserv") + "/gateway/v2", headers=headers
    )
    case.validate_response(response, checks=CHECKS)
