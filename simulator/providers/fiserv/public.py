"""Fiserv's public (unauthenticated) route of the simulated ACS: the 3DS-method endpoint the
method form posts to (it posts ``threeDSMethodData`` on to the merchant's
methodNotificationURL, as an ACS does)."""

from __future__ import annotations

from aiohttp import web

from ...ui.pages import follow
from ..base import Redirect
from . import threeds


async def three_ds_method(request: web.Request) -> web.StreamResponse:
    """The hidden iframe's target: forward the 3DS method notification to the merchant."""
    form = await request.post()
    data = str(form.get("threeDSMethodData") or form.get("3DSMethodData") or "")
    notification = threeds.method_notification(data)
    if notification is None:
        return web.Response(
            text="<!doctype html><title>3DS method</title>", content_type="text/html"
        )
    url, fields = notification
    return follow(request, Redirect(url, "POST", fields))
