"""Conformance of the sandbox's Fiserv answers to Fiserv's official OpenAPI document (24.2.0).

Every answer a Fiserv test receives is recorded and, at the end of the test, validated against
the schema the official document declares for that path, method and status. Three documented
differences between the document and Fiserv's real answers are applied first, each asserted to
still be in the document (so an updated document fails loudly instead of silently passing):

- ``ResponseType`` gains ``Forbidden``: Fiserv's error docs show it on the 403 answers to a bad
  or expired Message-Signature (fiserv.md §1.3 notes the inconsistency);
- ``PaymentCard.number`` is not required in answers: answers carry ``bin`` and ``last4`` only,
  and the official Python SDK (first-data-gateway) disables that check for the same reason;
- ``Expiration.year`` allows four digits in answers: recorded answers and Fiserv's REST docs
  show ``"2024"``; the official SDK's pattern is ``^([0-9]{2,4})$``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30ReadValidator

#: Fiserv's official OpenAPI document (gateway v2, 24.2.0), kept beside the tests that use it.
SPEC = Path(__file__).resolve().parent / "reference" / "fiserv-gateway-v2-24.2.0.yaml"
_BASES = (
    "/fiserv/gateway/v2",
    "/fiserv/ipp/payments-gateway/v2",
    "/fiserv/sandbox/ipp/payments-gateway/v2",
)
#: Legacy paths of official operations: path prefix -> the official path it stands for.
_LEGACY = {"/fiserv/ipgrestapi/v2/services/payments/": "/payments/"}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # the URL path as sent
    status: int
    body: Any


@lru_cache(maxsize=1)
def official() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(SPEC.read_text("utf-8"))
    schemas = doc["components"]["schemas"]
    enum = schemas["ResponseType"]["enum"]
    assert "Forbidden" not in enum, "the document now lists Forbidden: drop this patch"
    enum.append("Forbidden")
    assert schemas["PaymentCard"]["required"] == ["number"]
    schemas["PaymentCard"] = {**schemas["PaymentCard"], "required": []}
    year = schemas["Expiration"]["properties"]["year"]
    assert year["pattern"] == "^([0-9]{2})$"
    year["pattern"] = "^([0-9]{2,4})$"
    return doc


def _template(path: str) -> str | None:
    for legacy, official_path in _LEGACY.items():
        if path.startswith(legacy):
            path = _BASES[0] + official_path + path[len(legacy) :]
    for base in _BASES:
        if path.startswith(base + "/"):
            parts = path[len(base) :].split("/")
            break
    else:
        return None
    for template in official()["paths"]:
        wanted = template.split("/")
        if len(wanted) == len(parts) and all(
            w == p or (w.startswith("{") and p) for w, p in zip(wanted, parts, strict=True)
        ):
            return template
    return None


@lru_cache(maxsize=64)
def _validator(method: str, template: str, status: int) -> OAS30ReadValidator:
    doc = official()
    operation = doc["paths"][template].get(method.lower())
    assert operation is not None, f"{method} {template} is not an official operation"
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {template} does not declare {status}"
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"]["application/json"]["schema"]
    return OAS30ReadValidator({**schema, "components": doc["components"]})


def problems(answers: list[Recorded]) -> list[str]:
    """What in these answers the official document does not allow (empty: all conform)."""
    found = []
    for answer in answers:
        try:
            template = _template(answer.path)
            assert template is not None, f"{answer.path} is not an official path"
            _validator(answer.method, template, answer.status).validate(answer.body)
        except (AssertionError, ValidationError) as bad:
            where = "/".join(str(p) for p in getattr(bad, "absolute_path", ()))
            message = getattr(bad, "message", str(bad))
            found.append(f"{answer.method} {answer.path} -> {answer.status}: {where} {message}")
    return found
