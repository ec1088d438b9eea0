"""Every payworks answer — successes and errors — matches the schema its OpenAPI document
declares for that operation and status."""

from __future__ import annotations

import json
from typing import Any

import httpx
from openapi_schema_validator import OAS31Validator

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.providers.payworks import PayworksPlugin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conftest import CREDENTIALS, MERCHANT

DOCUMENT = PayworksPlugin.openapi()
SESSIONS = "/v2/merchants/{merchantIdentifier}/transactionSessions"
ONE = "/v2/transactions/{transactionIdentifier}"


def check(template: str, method: str, answer: httpx.Response) -> Any:
    """The answer's JSON, once validated against the document (its status must be declared)."""
    responses = DOCUMENT["paths"][template][method]["responses"]
    assert str(answer.status_code) in responses, (template, answer.status_code, answer.text)
    schema = responses[str(answer.status_code)]["content"]["application/json"]["schema"]
    body = answer.json()
    OAS31Validator({**schema, "components": DOCUMENT["components"]}).validate(body)
    return body


async def test_every_answer_of_a_whole_lifecycle_matches_the_document(
    sandbox: Sandbox, admin: AsyncSandboxAdmin
) -> None:
    headers = {**sandbox.headers, "Authorization": CREDENTIALS.authorization}
    async with httpx.AsyncClient(base_url=sandbox.base_url("payworks"), headers=headers) as http:

        async def register(transaction: dict[str, Any]) -> tuple[int, Any]:
            path = SESSIONS.replace("{merchantIdentifier}", MERCHANT)
            answer = await http.post(path, json={"transaction": transaction})
            return answer.status_code, check(SESSIONS, "post", answer)

        async def call(method: str, template: str, identifier: str, body: Any = None) -> Any:
            path = template.replace("{transactionIdentifier}", identifier)
            content = None if body is None else json.dumps(body)
            answer = await http.request(
                method, path, content=content, headers={"Content-Type": "application/json"}
            )
            return check(template, method.lower(), answer)

        status, session = await register({"amount": 20, "currency": "EUR", "type": "CHARGE"})
        charge = session["data"]["transaction"]["identifier"]
        assert status == 201
        [payment] = await admin.payments(provider="payworks", reference=charge)
        await admin.execute(payment["id"])
        assert (await call("GET", ONE, charge))["data"]["status"] == "PENDING"
        await admin.execute(payment["id"], pin="1234")
        assert (await call("GET", ONE, charge))["data"]["cardDetails"]["scheme"] == "MASTERCARD"
        refund = {"refund": {"amount": 5, "currency": "EUR", "subject": "s"}}
        assert (await call("POST", ONE + "/refunds", charge, refund))["data"]["type"] == "REFUND"
        status, _ = await register(
            {"amount": 20, "currency": "EUR", "type": "REFUND", "mode": "TEST",
             "referencedTransactionIdentifier": charge}
        )  # fmt: skip
        assert status == 409
        status, again = await register({"amount": 1.5, "currency": "EUR", "type": "CHARGE"})
        other = again["data"]["transaction"]["identifier"]
        assert (await call("POST", ONE + "/abort", other))["data"]["status"] == "ABORTED"
        assert (await call("POST", ONE + "/abort", other))["error"]["type"] == (
            "TransactionNoLongerAbortable"
        )
        assert (await call("GET", ONE, "nope"))["error"]["type"] == "TransactionSessionNotFound"
        status, refused = await register({"amount": "1", "currency": "EUR", "type": "CHARGE"})
        assert (status, refused["error"]["type"]) == (400, "ParameterInvalid")
