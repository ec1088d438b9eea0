"""The hosted pages' sub-applications: the 3-D Secure challenge (ACS) page, the hosted checkout
page and the virtual card-present terminal."""

from aiohttp import web

from ..connections import bodies_in_time
from .acs import challenge_page
from .checkout import checkout_page
from .terminal import terminal_page


def create_pages_app(kind: str) -> web.Application:
    app = web.Application(middlewares=[bodies_in_time])
    if kind == "acs":
        app.router.add_route("*", "/{challenge_id}", challenge_page, name="acs")
    elif kind == "checkout":
        app.router.add_route("*", "/{payment_id}", checkout_page, name="checkout")
    elif kind == "terminal":
        app.router.add_route("*", "/{session_id}", terminal_page, name="terminal")
    else:
        raise ValueError(kind)
    return app
