"""Endpoint tables: each API declares its endpoints once, with pydantic models for bodies and
answers; the same table registers the aiohttp routes and renders the OpenAPI 3.1 document."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)}")
#: Joins an endpoint's name and a mount alias in route names (aiohttp allows ``:`` there).
_ALIAS = ":"


@dataclass(frozen=True, slots=True)
class Answer:
    """One documented answer of an endpoint."""

    description: str
    #: A pydantic model or any type TypeAdapter understands (``list[Model]``); None: no body.
    model: Any = None
    media_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    #: operationId, route name, and the operation name faults are queued under.
    name: str
    handler: Handler
    summary: str
    body: Any
    answers: Mapping[int, Answer]
    #: No credentials needed (health checks, documents, browser pages).
    public: bool
    #: Extra OpenAPI parameter objects (query strings, headers).
    parameters: Sequence[Mapping[str, Any]]
    tags: Sequence[str]


class Api:
    def __init__(self) -> None:
        self.endpoints: list[Endpoint] = []
        self._by_name: dict[str, Endpoint] = {}

    def route(
        self,
        method: str,
        path: str,
        *,
        name: str,
        answers: Mapping[int, Answer],
        summary: str = "",
        body: Any = None,
        public: bool = False,
        parameters: Sequence[Mapping[str, Any]] = (),
        tags: Sequence[str] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            doc = (handler.__doc__ or "").strip().splitlines()
            self.endpoints.append(
                endpoint := Endpoint(
                    method.upper(),
                    path,
                    name,
                    handler,
                    summary or (doc[0] if doc else name),
                    body,
                    answers,
                    public,
                    parameters,
                    tags,
                )
            )
            self._by_name[name] = endpoint
            return handler

        return register

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)

    def register(
        self,
        app: web.Application,
        prefix: str = "",
        *,
        alias: str = "",
        only: Mapping[str, str] | None = None,
    ) -> None:
        """Add every endpoint's route under ``prefix``. To serve the same table under a second
        prefix, register it again with an ``alias`` (route names must be unique); the
        aliased routes still resolve to their endpoints. ``only`` serves just the endpoints it
        names, each at the path it gives (a legacy path of one operation)."""
        for e in self.endpoints:
            if only is not None and e.name not in only:
                continue
            name = f"{e.name}{_ALIAS}{alias}" if alias else e.name
            path = only[e.name] if only is not None else e.path
            app.router.add_route(e.method, prefix + path, e.handler, name=name)
            self._by_name[name] = e

    def endpoint(self, name: str) -> Endpoint | None:
        """The endpoint a route name belongs to (aliased names included)."""
        return self._by_name.get(name)

    def document(
        self,
        *,
        title: str,
        version: str,
        description: str = "",
        servers: Sequence[str] = (),
        prefix: str = "",
        security_schemes: Mapping[str, Any] | None = None,
        security: Sequence[Mapping[str, Sequence[str]]] = (),
    ) -> dict[str, Any]:
        schemas: dict[str, Any] = {}
        paths: dict[str, dict[str, Any]] = {}
        for e in self.endpoints:
            operation: dict[str, Any] = {
                "operationId": e.name,
                "summary": e.summary,
                "responses": {
                    str(status): _answer(answer, schemas) for status, answer in e.answers.items()
                },
            }
            if e.tags:
                operation["tags"] = list(e.tags)
            # A path parameter the endpoint describes itself (its pattern ...) replaces the
            # plain string one.
            described = {(p["name"], p["in"]) for p in e.parameters}
            parameters = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in _PATH_PARAM.findall(e.path)
                if (p, "path") not in described
            ] + [dict(p) for p in e.parameters]
            if parameters:
                operation["parameters"] = parameters
            if e.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _schema(e.body, schemas, "validation")}
                    },
                }
            if e.public:
                operation["security"] = []
            paths.setdefault(prefix + e.path, {})[e.method.lower()] = operation
        doc: dict[str, Any] = {
            "openapi": "3.1.0",
            "info": {"title": title, "version": version, "description": description},
            "paths": paths,
            "components": {"schemas": schemas},
        }
        if servers:
            doc["servers"] = [{"url": url} for url in servers]
        if security_schemes:
            doc["components"]["securitySchemes"] = dict(security_schemes)
            doc["security"] = [dict(s) for s in security]
        return doc


def _answer(answer: Answer, schemas: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": answer.description}
    if answer.model is not None:
        out["content"] = {
            answer.media_type: {"schema": _schema(answer.model, schemas, "serialization")}
        }
    if answer.headers:
        out["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in answer.headers.items()
        }
    return out


def _schema(model: Any, schemas: dict[str, Any], mode: str) -> dict[str, Any]:
    try:
        schema = copy.deepcopy(_json_schema(model, mode))
    except TypeError:  # an unhashable annotation: its schema is made each time
        schema = _json_schema.__wrapped__(model, mode)
    schemas.update(schema.pop("$defs", {}))
    title = schema.get("title")
    if isinstance(title, str) and schema.get("type") == "object" and hasattr(model, "model_fields"):
        schemas[title] = schema
        return {"$ref": _REF.format(model=title)}
    return schema


@functools.cache
def _json_schema(model: Any, mode: str) -> dict[str, Any]:
    """A model's JSON Schema, made once: answer models (error envelopes above all) stand under
    many operations, and making their schemas is most of what building a document costs."""
    return TypeAdapter(model).json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
