"""A sub-application mounted under a prefix at start but built on the first request that reaches it.

aiohttp freezes an application's routes when it starts, so a sub-application cannot be added
later with ``Application.add_subapp``. :func:`add_lazy_subapp` registers, in its place, a
resource for the prefix whose first ``resolve`` builds the sub-application, prefixes its routes,
freezes it and runs its startup signals (``on_startup``, ``cleanup_ctx``); from then on it
delegates to aiohttp's own ``PrefixedSubAppResource``, so matching, ``match_info.apps``, the
sub-application's middlewares, ``request.app`` and ``request.config_dict`` are exactly those of
an eagerly mounted one. Concurrent first requests share one build. The parent's shutdown and
cleanup reach the sub-application once it has started, as they reach an eager one.

One difference remains: aiohttp decides at start whether any middleware runs at all, looking at
the sub-applications it knows. The parent must therefore have a middleware of its own for a
lazily mounted sub-application's middlewares to run (the sandbox's root records exchanges).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.web_urldispatcher import (
    AbstractRoute,
    PrefixedSubAppResource,
    PrefixResource,
    UrlMappingMatchInfo,
)

if TYPE_CHECKING:
    from aiohttp.web_urldispatcher import _InfoDict

Build = Callable[[], Awaitable[web.Application]]


def add_lazy_subapp(app: web.Application, prefix: str, build: Build) -> LazySubAppResource:
    """Mount the application ``build()`` returns under ``prefix`` of ``app`` on first use."""
    resource = LazySubAppResource(prefix.rstrip("/"), build)
    app.router.register_resource(resource)
    app.on_shutdown.append(resource.shutdown)
    app.on_cleanup.append(resource.cleanup)
    return resource


class LazySubAppResource(PrefixResource):
    """The resource of a prefix whose sub-application is built on the first request."""

    def __init__(self, prefix: str, build: Build) -> None:
        super().__init__(prefix)
        self._build = build
        self._mounting: asyncio.Future[PrefixedSubAppResource] | None = None
        self._mounted: PrefixedSubAppResource | None = None
        #: The sub-application, once built and started.
        self.app: web.Application | None = None
        self._shut_down = False

    async def mount(self) -> PrefixedSubAppResource:
        """Build, freeze and start the sub-application unless that is done or under way, and
        wait for it. A build that failed is tried again by the next caller."""
        if self._mounted is not None:
            return self._mounted
        if self._mounting is None:
            self._mounting = asyncio.ensure_future(self._mount())
        # One caller going away (a client that hung up) must not cancel the others' build.
        return await asyncio.shield(self._mounting)

    async def _mount(self) -> PrefixedSubAppResource:
        try:
            app = await self._build()
            # As Application.add_subapp: prefix the routes, then freeze; then start it, as the
            # parent's startup would have.
            mounted = PrefixedSubAppResource(self._prefix, app)
            app.freeze()
            await app.startup()
            self._mounted, self.app = mounted, app
            return mounted
        finally:
            if self._mounted is None:
                self._mounting = None

    async def shutdown(self, _parent: web.Application) -> None:
        """The parent's ``on_shutdown``: the sub-application's, if it started."""
        if self.app is not None and not self._shut_down:
            self._shut_down = True
            await self.app.shutdown()

    async def cleanup(self, parent: web.Application) -> None:
        """The parent's ``on_cleanup``: the sub-application's (and its shutdown, had it started
        only after the parent's), once a build under way has ended."""
        if self._mounting is not None:
            await asyncio.wait([self._mounting])
        if self.app is not None:
            await self.shutdown(parent)
            await self.app.cleanup()

    # --- the resource -------------------------------------------------------------------

    async def resolve(self, request: web.Request) -> tuple[UrlMappingMatchInfo | None, set[str]]:
        # ``is None``, not truthiness: a mounted resource's ``len()`` lists every route of the
        # sub-application, which cost each provider request ~15 µs.
        mounted = self._mounted if self._mounted is not None else await self.mount()
        return await mounted.resolve(request)

    def add_prefix(self, prefix: str) -> None:
        super().add_prefix(prefix)
        if self._mounted is not None:
            self._mounted.add_prefix(prefix)

    def url_for(self, *args: str, **kwargs: str) -> Any:
        raise RuntimeError(".url_for() is not supported by sub-application root")

    def get_info(self) -> _InfoDict:
        return {"prefix": self._prefix} if self._mounted is None else self._mounted.get_info()

    def __len__(self) -> int:
        return 0 if self._mounted is None else len(self._mounted)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(()) if self._mounted is None else iter(self._mounted)

    def __repr__(self) -> str:
        state = "mounted" if self._mounted is not None else "not built yet"
        return f"<LazySubAppResource {self._prefix} ({state})>"
