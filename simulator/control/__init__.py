"""The admin API under ``/_sandbox/`` (JSON, with its own OpenAPI at /_sandbox/openapi.json).

One module per resource registers its endpoints in the shared table (``endpoints.api``).
"""

from aiohttp import web

# Each resource module registers its endpoints in the table on import.
from . import (  # noqa: F401
    clock,
    disputes,
    events,
    execution,
    merchant_webhooks,
    payments,
    queues,
    sandbox,
    tenants,
    webhooks,
)
from .endpoints import api
from .problems import admin_errors
from .sandbox import document


def create_control_app() -> web.Application:
    app = web.Application(middlewares=[admin_errors])
    api.register(app)
    events.setup_feeds(app)
    return app


__all__ = ["api", "create_control_app", "document"]
