"""Every provider's operations as its served OpenAPI document states them: where each one is
reached and what body it documents — for tests that must cover providers added later too."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from psp_sandbox.simulator.providers.base import ProviderPlugin

_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Operation:
    provider: str
    name: str
    method: str
    #: The document's server (``/tranzzo``, ``/fiserv/gateway/v2``) and the path under it.
    server: str
    template: str
    #: The documented request body schema (``$ref`` resolved at its root), or None.
    body: Mapping[str, Any] | None
    #: The document's component schemas, for resolving nested ``$ref``.
    schemas: Mapping[str, Any]
    public: bool

    @property
    def path(self) -> str:
        """Where the operation is reached under the sandbox root (parameters as {name})."""
        return self.server + self.template

    def url(self, parameter: str = "x") -> str:
        return _PARAM.sub(parameter, self.path)


def operations(plugin: type[ProviderPlugin]) -> Iterator[Operation]:
    document = plugin.openapi()
    server = document.get("servers", [{"url": f"/{plugin.name}"}])[0]["url"]
    schemas = document.get("components", {}).get("schemas", {})
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            yield Operation(
                plugin.name,
                operation["operationId"],
                method.upper(),
                server,
                path,
                resolve(body, schemas) if body is not None else None,
                schemas,
                operation.get("security") == [],
            )


def resolve(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema a ``$ref`` points at (one level)."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return dict(schemas[ref.rpartition("/")[2]])
    return schema
