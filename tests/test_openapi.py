"""The endpoint table: one declaration serves routes (under one prefix or several) and docs."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import BaseModel

from psp_sandbox.simulator.openapi import Answer, Api


def _table() -> Api:
    api = Api()

    @api.get("/things/{thing_id}", name="getThing", answers={200: Answer("The thing")})
    async def get_thing(request: web.Request) -> web.StreamResponse:
        """Read a thing."""
        return web.json_response({"id": request.match_info["thing_id"]})

    return api


async def test_one_table_serves_the_same_endpoints_under_two_prefixes() -> None:
    api = _table()
    app = web.Application()
    api.register(app, "/v2")
    api.register(app, "/legacy/v2", alias="legacy")
    async with TestClient(TestServer(app)) as client:
        for prefix in ("/v2", "/legacy/v2"):
            answer = await client.get(f"{prefix}/things/7")
            assert (answer.status, await answer.json()) == (200, {"id": "7"})
    names = sorted(str(r.name) for r in app.router.routes() if r.name)
    assert names == ["getThing", "getThing:legacy"]


def test_aliased_route_names_resolve_to_their_endpoint() -> None:
    api = _table()
    api.register(web.Application(), "/legacy/v2", alias="legacy")
    endpoint = api.endpoint("getThing:legacy")
    assert endpoint is not None and endpoint is api.endpoint("getThing")
    assert api.endpoint("nothing") is None


def test_the_document_lists_each_endpoint_once() -> None:
    doc = _table().document(title="t", version="1", servers=["/a/v2", "/b/v2"])
    assert list(doc["paths"]) == ["/things/{thing_id}"]
    assert doc["servers"] == [{"url": "/a/v2"}, {"url": "/b/v2"}]
    assert doc["paths"]["/things/{thing_id}"]["get"]["operationId"] == "getThing"


def test_a_path_parameter_the_endpoint_describes_replaces_the_plain_one() -> None:
    api = Api()
    described = {
        "name": "thing_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }

    @api.get("/things/{thing_id}/{part}", name="part", answers={}, parameters=[described])
    async def part(request: web.Request) -> web.StreamResponse:
        return web.json_response({})

    operation = api.document(title="t", version="1")["paths"]["/things/{thing_id}/{part}"]["get"]
    assert operation["parameters"] == [
        {"name": "part", "in": "path", "required": True, "schema": {"type": "string"}},
        described,
    ]


def test_a_model_answered_by_many_endpoints_is_described_alike_in_every_document() -> None:
    """Schemas are made once per model; each document gets its own copy to keep."""

    class Problem(BaseModel):
        code: str
        detail: Inner

    class Inner(BaseModel):
        field: str

    Problem.model_rebuild()
    api = Api()
    for n in range(3):

        @api.get(f"/things/{n}", name=f"thing{n}", answers={404: Answer("None", Problem)})
        async def thing(request: web.Request) -> web.StreamResponse:
            raise web.HTTPNotFound

    first = api.document(title="t", version="1")
    first["components"]["schemas"]["Problem"]["properties"].clear()
    second = api.document(title="t", version="1")
    assert set(second["components"]["schemas"]) == {"Problem", "Inner"}
    assert set(second["components"]["schemas"]["Problem"]["properties"]) == {"code", "detail"}
    for n in range(3):
        answer = second["paths"][f"/things/{n}"]["get"]["responses"]["404"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
