"""Card-present execution: run a registered transaction as a person at the terminal would."""

from __future__ import annotations

from aiohttp import web

from ..openapi import Answer
from ..outcomes.terminal import AtTerminal, PresentedCard, TerminalRefusal
from ..providers.base import json_response
from ..services import terminal
from . import models as m
from .arguments import context_of, payment_or_404, read_body
from .endpoints import E400, E404, E409, api
from .problems import AdminProblem
from .views import payment_view


@api.post(
    "/payments/{payment_id}/execute",
    name="execute_payment",
    body=m.ExecuteRequest,
    answers={
        200: Answer("The payment after what was done at the terminal", m.PaymentView),
        400: E400,
        404: E404,
        409: E409,
    },
)
async def execute_payment(request: web.Request) -> web.StreamResponse:
    """Do at the terminal what the body says — present (insert or tap) the provider's test card
    or another card, enter the PIN, take the card out, abort — for tests without a browser.
    The virtual terminal page takes the same path."""
    ctx = context_of(request)
    body = await read_body(request, m.ExecuteRequest)
    payment = await payment_or_404(ctx, request.match_info["payment_id"])
    plugin = ctx.plugins.get(payment.provider)
    profile = plugin.terminal if plugin is not None else None
    if profile is None:
        raise AdminProblem(
            409, "not_card_present", f"{payment.provider} has no card-present transactions"
        )
    done = AtTerminal(
        PresentedCard("contactless" if body.contactless else "contact", body.card_number),
        body.pin,
        body.abort,
        body.remove_card,
    )
    try:
        decision = await terminal.act(ctx.payments, profile, payment, body.operation_id, done)
    except TerminalRefusal as refusal:
        raise AdminProblem(refusal.status, refusal.code, refusal.message) from None
    return json_response(payment_view(decision.payment))
