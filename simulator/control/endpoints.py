"""The admin API's endpoint table, and the parameters and error answers its endpoints share."""

from __future__ import annotations

from ..openapi import Answer, Api
from ..providers.base import TENANT_HEADER
from . import models as m

api = Api()
E400 = Answer("Invalid request", m.AdminError)
E404 = Answer("Not found", m.AdminError)
E409 = Answer("The payment's rules forbid it", m.AdminError)
LIMIT_PARAM = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
}
TENANT_PARAMS = [
    {"name": TENANT_HEADER, "in": "header", "schema": {"type": "string"}},
    {"name": "tenant", "in": "query", "schema": {"type": "string"}},
]
