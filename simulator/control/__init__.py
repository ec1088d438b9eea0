"""The admin API under ``/_sandbox/`` (JSON, with its own OpenAPI at /_sandbox/openapi.json)."""

from aiohttp import web

from .routes import admin_errors, api, document


def create_control_app() -> web.Application:
    app = web.Application(middlewares=[admin_errors])
    api.register(app)
    return app


__all__ = ["api", "create_control_app", "document"]
