"""Rendering of the hosted pages: one layout, small templates, everything escaped."""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from string import Template

from aiohttp import web

from ..engine import Payment
from ..engine.money import to_decimal
from ..providers.base import Redirect


@lru_cache(maxsize=16)
def _template(name: str) -> Template:
    text = resources.files(__package__).joinpath(f"templates/{name}.html").read_text("utf-8")
    return Template(text)


def page(title: str, template: str, http_status: int = 200, **fields: str) -> web.Response:
    """Render a template into the layout. ``fields`` are escaped unless their name ends in
    ``_html`` (already-safe markup such as hidden inputs)."""
    values = {
        (k[: -len("_html")] if k.endswith("_html") else k): (
            v if k.endswith("_html") else html.escape(v)
        )
        for k, v in fields.items()
    }
    content = _template(template).substitute(values)
    body = _template("layout").substitute(title=html.escape(title), content=content)
    return web.Response(text=body, status=http_status, content_type="text/html")


def hidden_inputs(fields: Mapping[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )


def money(payment: Payment) -> str:
    return f"{to_decimal(payment.amount, payment.currency)} {payment.currency}"


def follow(redirect: Redirect) -> web.StreamResponse:
    """Send the browser on: a 303 for GET, an auto-submitted form for POST."""
    if redirect.method.upper() == "GET":
        raise web.HTTPSeeOther(redirect.url)
    return page(
        "Returning", "autopost", action=redirect.url, hidden_html=hidden_inputs(redirect.fields)
    )


def result(payment: Payment, headline: str, message: str, http_status: int = 200) -> web.Response:
    return page(
        headline,
        "result",
        http_status,
        headline=headline,
        reference=payment.reference,
        status=payment.status.value,
        message=message,
    )


def not_found(what: str) -> web.Response:
    return page(
        "Not found",
        "result",
        404,
        headline="Not found",
        reference="-",
        status="-",
        message=f"No such {what}.",
    )
