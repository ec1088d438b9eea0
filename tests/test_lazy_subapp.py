"""A lazily mounted sub-application is built on the first request to its prefix, once however
many requests arrive together, and then behaves as an eagerly mounted one: its middlewares,
``request.app``, ``config_dict`` and ``match_info.apps``, its startup and cleanup signals run
once each."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from psp_sandbox.simulator.lazy_subapp import LazySubAppResource, add_lazy_subapp

ROOT_KEY = web.AppKey("root", str)
SUB_KEY = web.AppKey("sub", str)


class Built:
    """A sub-application factory that counts what happens to what it builds."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.events: Counter[str] = Counter()
        self.release = asyncio.Event()
        self.release.set()
        self._fail = fail_first

    async def __call__(self) -> web.Application:
        self.events["build"] += 1
        await self.release.wait()
        if self._fail:
            self._fail = False
            raise RuntimeError("the first build fails")

        @web.middleware
        async def tag(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
            try:
                response = await handler(request)
            except web.HTTPException as error:  # a miss under the prefix is the sub-app's too
                response = web.Response(status=error.status)
            response.headers["X-Sub-Middleware"] = "ran"
            return response

        async def where(request: web.Request) -> web.Response:
            return web.json_response(
                {
                    "app": request.app[SUB_KEY],
                    "root": request.config_dict[ROOT_KEY],
                    "apps": len(request.match_info.apps),
                    "id": request.match_info["id"],
                }
            )

        async def on_startup(_app: web.Application) -> None:
            self.events["on_startup"] += 1

        async def on_cleanup(_app: web.Application) -> None:
            self.events["on_cleanup"] += 1

        async def context(_app: web.Application) -> AsyncIterator[None]:
            self.events["cleanup_ctx entered"] += 1
            yield
            self.events["cleanup_ctx left"] += 1

        app = web.Application(middlewares=[tag])
        app[SUB_KEY] = "sub"
        app.router.add_get("/things/{id}", where)
        app.on_startup.append(on_startup)
        app.on_cleanup.append(on_cleanup)
        app.cleanup_ctx.append(context)
        return app


def parent(build: Built) -> web.Application:
    @web.middleware
    async def passthrough(request: web.Request, handler: web.RequestHandler) -> web.StreamResponse:
        return await handler(request)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app = web.Application(middlewares=[passthrough])
    app[ROOT_KEY] = "root"
    app.router.add_get("/hello", hello)
    add_lazy_subapp(app, "/lazy", build)
    return app


async def test_the_sub_app_is_built_on_the_first_request_to_its_prefix_only() -> None:
    build = Built()
    async with TestClient(TestServer(parent(build))) as client:
        assert (await client.get("/hello")).status == 200
        assert (await client.get("/lazyish")).status == 404
        assert build.events == Counter()
        answer = await client.get("/lazy/things/7")
        assert answer.status == 200
    assert build.events["build"] == 1


async def test_it_serves_as_an_eagerly_mounted_sub_app_would() -> None:
    async with TestClient(TestServer(parent(Built()))) as client:
        answer = await client.get("/lazy/things/7")
        assert answer.headers["X-Sub-Middleware"] == "ran"
        assert await answer.json() == {"app": "sub", "root": "root", "apps": 2, "id": "7"}
        missing = await client.get("/lazy/nothing")
        assert missing.status == 404
        assert missing.headers["X-Sub-Middleware"] == "ran"  # the sub-app answers its 404
        wrong = await client.post("/lazy/things/7")
        assert wrong.status == 405


async def test_concurrent_first_requests_share_one_build_and_one_startup() -> None:
    build = Built()
    build.release.clear()
    root = parent(build)
    resource = next(r for r in root.router.resources() if isinstance(r, LazySubAppResource))
    requests = [make_mocked_request("GET", f"/lazy/things/{n}", app=root) for n in range(8)]
    resolving = [asyncio.ensure_future(resource.resolve(r)) for r in requests]
    for _ in range(5):  # a few turns of the loop: every request is waiting on the one build
        await asyncio.sleep(0)
    assert build.events["build"] == 1
    assert not any(r.done() for r in resolving)
    build.release.set()
    matches = [match for match, _methods in await asyncio.gather(*resolving)]
    assert [m["id"] for m in matches if m is not None] == [str(n) for n in range(8)]
    assert {id(m.apps[-1]) for m in matches if m is not None} == {id(resource.app)}
    assert build.events["build"] == 1
    assert build.events["on_startup"] == build.events["cleanup_ctx entered"] == 1
    await resource.shutdown(root)
    await resource.cleanup(root)
    assert build.events["on_cleanup"] == build.events["cleanup_ctx left"] == 1


async def test_startup_and_cleanup_signals_run_once_however_many_requests() -> None:
    build = Built()
    async with TestClient(TestServer(parent(build))) as client:
        for n in range(3):
            assert (await client.get(f"/lazy/things/{n}")).status == 200
        assert build.events["on_cleanup"] == 0
    assert build.events == Counter(
        {
            "build": 1,
            "on_startup": 1,
            "cleanup_ctx entered": 1,
            "on_cleanup": 1,
            "cleanup_ctx left": 1,
        }
    )


async def test_a_sub_app_never_requested_is_never_built_started_or_cleaned_up() -> None:
    build = Built()
    async with TestClient(TestServer(parent(build))) as client:
        assert (await client.get("/hello")).status == 200
    assert build.events == Counter()


async def test_a_failed_build_is_tried_again_by_the_next_request() -> None:
    build = Built(fail_first=True)
    async with TestClient(TestServer(parent(build))) as client:
        assert (await client.get("/lazy/things/1")).status == 500
        assert (await client.get("/lazy/things/1")).status == 200
    assert build.events["build"] == 2
    assert build.events["on_startup"] == build.events["on_cleanup"] == 1


async def test_a_mounted_sub_app_resolves_without_listing_its_routes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Listing the routes (what ``len()`` of a mounted resource does) is per-request work
    resolving never needs."""
    async with TestClient(TestServer(parent(Built()))) as client:
        assert (await client.get("/lazy/things/1")).status == 200

        def listed(_router: web.UrlDispatcher) -> None:
            raise AssertionError("the sub-application's routes were listed")

        monkeypatch.setattr(web.UrlDispatcher, "routes", listed)
        assert (await client.get("/lazy/things/2")).status == 200
