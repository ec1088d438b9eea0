"""Who may open the admin's pages (dashboard, API explorer): with an admin token set, only a
browser that gives it — HTTP Basic, any user name, the token as password — or a script that
sends it as a bearer token."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from ..control.access import BASIC, is_admin


@web.middleware
async def require_admin_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """401 (which makes a browser ask) for every page of the app, its static files aside."""
    if request.match_info.route.name != "static" and not is_admin(request):
        return web.Response(
            status=401,
            text="This sandbox's admin pages need its admin token: sign in with any user name "
            "and the admin token as password.\n",
            headers={"WWW-Authenticate": BASIC},
        )
    return await handler(request)
