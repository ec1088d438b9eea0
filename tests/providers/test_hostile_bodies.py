"""No JSON a client can send breaks the sandbox. For every registered provider (providers added
later included, through their served OpenAPI documents) and every endpoint's documented body:
a valid body is drawn, then every hostile value below is put in every documented field, one at a
time — NaN, Infinity, huge and tiny exponents, numbers past a double's precision, integers of
thousands of digits, deep nesting, long and odd strings, wrong types. Every answer is below 500,
and nothing is logged as an error.

Authentication is each provider's own suites' subject: here every provider takes each request as
one open-mode merchant's, so that the hostile bodies reach validation and the handlers."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.providers.base import Principal
from psp_sandbox.simulator.services.credentials import Credential
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.documented import Operation, operations

#: JSON text as a careless or hostile client writes it, not all of it JSON.
HOSTILE = [
    "NaN",
    "-Infinity",
    "1e999999999",
    "1e-999999999",
    "1.0000000000000001",
    "-0",
    "1" + "0" * 5000,
    "123456789012345678901234567890123456789",
    "true",
    "null",
    "[]",
    "{}",
    json.dumps("x" * 100_000),
    '"\\ud800"',
    '"\\u0000<script>"',
    '"1e999999999"',
    '"\\u0661\\u0662"',
    "[" * 40 + "]" * 40,
]
_PLACEHOLDER = "__psp_sandbox_hostile_value__"
Path = tuple[str | int, ...]
#: Bodies drawn, at most, in search of one the sandbox takes as it is.
BASE_ATTEMPTS = 30


def documented_paths(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> list[Path]:
    """The body itself and every field its schema documents, nested ones included (array
    items as index 0; every branch of a union)."""
    found: set[Path] = {()}

    def walk(node: Mapping[str, Any], at: Path, depth: int) -> None:
        if depth > 8:
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            walk(schemas[ref.rpartition("/")[2]], at, depth + 1)
            return
        for branch in (*node.get("anyOf", ()), *node.get("oneOf", ()), *node.get("allOf", ())):
            walk(branch, at, depth + 1)
        for name, child in node.get("properties", {}).items():
            found.add((*at, name))
            walk(child, (*at, name), depth + 1)
        items = node.get("items")
        if isinstance(items, Mapping):
            found.add((*at, 0))
            walk(items, (*at, 0), depth + 1)

    walk(schema, (), 0)
    return sorted(found, key=lambda p: (len(p), [str(x) for x in p]))


def placed(node: Any, path: Path) -> Any:
    """``node`` with the placeholder at ``path`` (objects and arrays made on the way)."""
    if not path:
        return _PLACEHOLDER
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(node) if isinstance(node, list) else []
        items += [None] * (step + 1 - len(items))
        items[step] = placed(items[step], rest)
        return items
    fields = dict(node) if isinstance(node, dict) else {}
    fields[step] = placed(fields.get(step), rest)
    return fields


def _with_bodies() -> list[Operation]:
    return [o for p in PROVIDERS for o in operations(p.load()) if o.body is not None]


@pytest.fixture(scope="module")
def open_to_anyone() -> Iterator[SandboxServer]:
    """A sandbox whose providers take every request as one merchant's (no credentials)."""
    with SandboxServer() as server:
        for plugin in server.context.plugins.values():
            merchant = Credential(plugin.name, f"hostile-{plugin.name}", None, "hostile")

            async def as_merchant(request: Any, merchant: Credential = merchant) -> Principal:
                return Principal(merchant.tenant, merchant)

            plugin.authenticate = as_merchant  # type: ignore[method-assign]
        yield server


@pytest.mark.parametrize("operation", _with_bodies(), ids=lambda o: f"{o.provider}-{o.name}")
def test_no_hostile_value_in_any_documented_field_gets_a_5xx(
    open_to_anyone: SandboxServer, operation: Operation, caplog: pytest.LogCaptureFixture
) -> None:
    plugin = next(p.load() for p in PROVIDERS if p.name == operation.provider)
    document = plugin.openapi()
    schema = schemathesis.openapi.from_dict(document)
    cases = schema[operation.template][operation.method].as_strategy(
        generation_mode=GenerationMode.POSITIVE
    )
    assert operation.body is not None
    fields = documented_paths(operation.body, operation.schemas)
    # The headers the provider documents as credentials, each with a fresh value: what the
    # handlers read of them (an idempotency key ...) is there; authentication is let through.
    schemes = document.get("components", {}).get("securitySchemes", {}).values()
    credential_headers = [s["name"] for s in schemes if s.get("in") == "header"]
    caplog.set_level(logging.WARNING)

    def send(url: str, text: str) -> httpx.Response:
        return http.request(
            operation.method,
            url,
            content=text.encode("utf-8", "surrogatepass"),
            headers={
                "Content-Type": "application/json",
                **{name: str(uuid.uuid4()) for name in credential_headers},
            },
        )

    @given(data=st.data())
    @settings(
        max_examples=1,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # a failure names its request: no shrinking
        suppress_health_check=list(HealthCheck),
    )
    def every_field_every_value(data: st.DataObject) -> None:
        # A body the sandbox takes, where one is found, so that hostile values reach the
        # handler's own work too, not only validation.
        for _ in range(BASE_ATTEMPTS):
            case = data.draw(cases, label="body")
            url = open_to_anyone.url + operation.server + case.formatted_path
            if send(url, json.dumps(case.body)).status_code < 300:
                break
        failures = []
        for field in fields:
            template = json.dumps(placed(case.body, field))
            for token in HOSTILE:
                text = template.replace(json.dumps(_PLACEHOLDER), token, 1)
                answer = send(url, text)
                if answer.status_code >= 500:
                    failures.append(f"{field} = {token[:60]}: {answer.status_code} {answer.text}")
        assert not failures, f"{operation.method} {url}\n" + "\n".join(failures[:20])

    with httpx.Client(timeout=30) as http:
        every_field_every_value()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
