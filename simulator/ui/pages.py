"""Rendering of the hosted pages: Jinja2 templates (autoescaped) in one layout."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from aiohttp import web

from ..engine.money import to_decimal

if TYPE_CHECKING:
    import jinja2

    from ..engine import Payment
    from ..providers.base import Redirect


class Templates:
    """The hosted pages' templates, loaded with the first page rendered: importing Jinja2 and
    reading the templates is start-up time that serving an API call does not need."""

    @cached_property
    def environment(self) -> jinja2.Environment:
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.PackageLoader(__name__.rpartition(".")[0], "templates"),
            autoescape=jinja2.select_autoescape(default=True),
            undefined=jinja2.StrictUndefined,
        )
        env.filters["minor"] = minor
        env.filters["when"] = when
        return env


TEMPLATES = web.AppKey("templates", Templates)


def setup_templates(app: web.Application) -> None:
    """Give ``app`` and its sub-applications the hosted pages' templates."""
    app[TEMPLATES] = Templates()


def minor(amount: int, currency: str) -> str:
    """Minor units as the currency writes them: ``12050, "UAH"`` → ``120.50 UAH``."""
    return f"{to_decimal(amount, currency)} {currency}"


def when(moment: datetime | str | None) -> str:
    """A tenant-clock time to the millisecond, as ``2026-06-01 12:00:00.125``."""
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def page(
    request: web.Request, title: str, template: str, http_status: int = 200, **fields: object
) -> web.Response:
    """Render ``templates/<template>.html`` (which extends the layout) with ``fields``."""
    templates = request.config_dict[TEMPLATES].environment
    text = templates.get_template(f"{template}.html").render(title=title, **fields)
    return web.Response(text=text, status=http_status, content_type="text/html")


def money(payment: Payment) -> str:
    return minor(payment.amount, payment.currency)


def follow(request: web.Request, redirect: Redirect) -> web.StreamResponse:
    """Send the browser on: a 303 for GET, an auto-submitted form for POST."""
    if redirect.method.upper() == "GET":
        raise web.HTTPSeeOther(redirect.url)
    return page(request, "Returning", "autopost", action=redirect.url, hidden=redirect.fields)


def result(
    request: web.Request, payment: Payment, headline: str, message: str, http_status: int = 200
) -> web.Response:
    return page(
        request,
        headline,
        "result",
        http_status,
        headline=headline,
        reference=payment.reference,
        status=payment.status.value,
        message=message,
    )


def not_found(request: web.Request, what: str) -> web.Response:
    return page(
        request,
        "Not found",
        "result",
        404,
        headline="Not found",
        reference="-",
        status="-",
        message=f"No such {what}.",
    )
