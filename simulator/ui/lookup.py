"""What a hosted page's address points to: a payment, one of its operations, its provider."""

from __future__ import annotations

from aiohttp import web

from ..appkeys import CONTEXT
from ..engine import Operation, Payment
from ..providers.base import ProviderPlugin
from .links import split_challenge_id


async def operation_of_page(
    request: web.Request, page_id: str
) -> tuple[Payment, Operation, ProviderPlugin] | None:
    """The payment, operation and provider named by ``<payment>.<operation>`` (or None)."""
    ctx = request.config_dict[CONTEXT]
    payment_id, operation_id = split_challenge_id(page_id)
    payment = await ctx.payments.get(payment_id)
    op = payment.operation(operation_id) if payment else None
    plugin = ctx.plugins.get(payment.provider) if payment else None
    if payment is None or op is None or plugin is None:
        return None
    return payment, op, plugin
