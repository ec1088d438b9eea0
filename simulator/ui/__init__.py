"""Hosted pages: the 3-D Secure challenge (ACS) page and the hosted checkout page."""

from aiohttp import web

from ..connections import bodies_in_time
from .acs import challenge_page
from .checkout import checkout_page


def create_pages_app(kind: str) -> web.Application:
    app = web.Application(middlewares=[bodies_in_time])
    if kind == "acs":
        app.router.add_route("*", "/{challenge_id}", challenge_page, name="acs")
    elif kind == "checkout":
        app.router.add_route("*", "/{payment_id}", checkout_page, name="checkout")
    else:
        raise ValueError(kind)
    return app


__all__ = ["create_pages_app"]
