"""The Paymentz OpenAPI document: the endpoint table's, with every body also as a form.

Paymentz takes ``application/x-www-form-urlencoded`` bodies with dotted names
(``authentication.memberId``) as well as JSON; the form schema of each body is its JSON schema
flattened to those names. ``/authToken`` needs no token (its sKey is in the body).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...openapi import Api
from .bodies import FORM

_TOKEN_PATH = "/transactionServices/REST/v1/authToken"


def document(api: Api, security_schemes: Mapping[str, Any]) -> dict[str, Any]:
    doc = api.document(
        title="psp-sandbox: Paymentz transactionServices REST v1",
        version="1",
        description="The sandbox's Paymentz (PZ) transactionServices REST API, served under "
        "/paymentz. Bodies are forms or JSON with dotted or nested names; answers are JSON, "
        "or XML when Accept asks for it. Paths, fields, statuses and checksums follow the "
        "platform's documentation; what it leaves open is sandbox-defined and listed in "
        "docs/fidelity/paymentz.md.",
        servers=["/paymentz"],
        security_schemes=security_schemes,
        security=[{"AuthToken": []}],
    )
    schemas = doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        for operation in operations.values():
            body = operation.get("requestBody")
            if body is not None:
                json_schema = body["content"]["application/json"]["schema"]
                body["content"][FORM] = {"schema": form_schema(json_schema, schemas)}
            if path == _TOKEN_PATH:
                operation["security"] = []
    return doc


def form_schema(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> dict[str, Any]:
    """An object schema with nested objects flattened to dotted property names."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    _flatten(_resolve(schema, schemas), schemas, "", True, properties, required)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": {"type": "string"},
    }


def _flatten(
    schema: Mapping[str, Any],
    schemas: Mapping[str, Any],
    prefix: str,
    needed: bool,
    properties: dict[str, Any],
    required: list[str],
) -> None:
    wanted = set(schema.get("required", ()))
    for name, sub in schema.get("properties", {}).items():
        dotted = f"{prefix}{name}"
        target = _object_of(_resolve(sub, schemas), schemas)
        if target is not None:
            _flatten(target, schemas, f"{dotted}.", needed and name in wanted, properties, required)
            continue
        properties[dotted] = _scalar(_resolve(sub, schemas), schemas)
        if needed and name in wanted:
            required.append(dotted)


def _object_of(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The object schema a property holds (directly or as ``X | None``), if it is one."""
    if schema.get("type") == "object" and "properties" in schema:
        return schema
    for option in schema.get("anyOf", ()):
        resolved = _resolve(option, schemas)
        if resolved.get("type") == "object" and "properties" in resolved:
            return resolved
    return None


def _scalar(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> dict[str, Any]:
    """A leaf as a form carries it: nulls left out (an absent field is how a form says none)."""
    options = [_resolve(o, schemas) for o in schema.get("anyOf", ())]
    present = [o for o in options if o.get("type") != "null"]
    if len(present) == 1:
        kept = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        return {**present[0], **kept}
    return {k: v for k, v in schema.items() if k != "default"}


def _resolve(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(schemas[ref.rsplit("/", 1)[-1]], schemas)
    return schema
