"""``plugin_of`` and ``context_of`` read the request's applications as ``config_dict`` does: the
request's own application first, then the ones it is mounted in, never a deeper one."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from aiohttp.web_urldispatcher import UrlMappingMatchInfo

from psp_sandbox.simulator.appkeys import CONTEXT, PLUGIN
from psp_sandbox.simulator.providers.base import context_of, plugin_of


def request_in(*apps: web.Application, current: web.Application) -> web.Request:
    """A request routed through ``apps`` (outermost first), handled by ``current``."""
    match = UrlMappingMatchInfo({}, None)  # type: ignore[arg-type]
    for app in reversed(apps):  # aiohttp adds the innermost first
        match.add_app(app)
    match.current_app = current
    request = make_mocked_request("GET", "/", app=apps[0])
    request._match_info = match
    return request


def test_the_nearest_application_with_the_key_answers_as_config_dict_does() -> None:
    root, provider = web.Application(), web.Application()
    context: Any = object()
    plugin: Any = object()
    root[CONTEXT], provider[PLUGIN] = context, plugin
    request = request_in(root, provider, current=provider)
    assert context_of(request) is context is request.config_dict[CONTEXT]
    assert plugin_of(request) is plugin is request.config_dict[PLUGIN]


def test_an_inner_value_shadows_an_outer_one() -> None:
    root, provider = web.Application(), web.Application()
    outer: Any = object()
    inner: Any = object()
    root[PLUGIN], provider[PLUGIN] = outer, inner
    assert plugin_of(request_in(root, provider, current=provider)) is inner


def test_a_deeper_application_than_the_current_one_is_not_read() -> None:
    root, provider = web.Application(), web.Application()
    provider[PLUGIN] = object()  # type: ignore[assignment]
    request = request_in(root, provider, current=root)  # the root's middleware is running
    with pytest.raises(KeyError):
        request.config_dict[PLUGIN]
    with pytest.raises(KeyError):
        plugin_of(request)
