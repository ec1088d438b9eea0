"""The hosted 3-D Secure challenge (ACS) page: Approve / Decline / Abandon, or the choices the
provider offers for the card (ProviderPlugin.challenge_choices).

GET (or a POST without a choice, as an ACS receives ``creq``/``PaReq`` from the browser) shows
the page; the POSTed choice finishes the challenged operation through the payment service and
sends the browser back where the provider says (result URL, ``termURL`` with ``cres`` ...).
"""

from __future__ import annotations

from aiohttp import web

from ..engine import OperationStatus
from ..outcomes.challenge import accepted
from .lookup import operation_of_page
from .pages import follow, money, not_found, page, result


async def challenge_page(request: web.Request) -> web.StreamResponse:
    found = await operation_of_page(request, request.match_info["challenge_id"])
    if found is None:
        return not_found(request, "challenge")
    payment, op, plugin = found
    form = await request.post() if request.method == "POST" else {}
    choice = str(form.get("choice", ""))
    if op.status is not OperationStatus.ACTION_REQUIRED:
        return result(
            request,
            payment,
            "Verification already completed",
            f"This challenge ended as {op.status.value}.",
        )
    offered = plugin.challenge_choices(payment, op)
    if choice not in accepted(offered):
        passed_on = {k: str(v) for k, v in form.items() if k != "choice"}
        return page(
            request,
            "3-D Secure",
            "acs",
            provider=plugin.title,
            reference=payment.reference,
            amount=money(payment),
            card=str(op.details.get("cc_mask") or op.details.get("card_mask") or "•••• test card"),
            action=request.path,
            hidden=passed_on,
            choices=offered,
        )
    decision = await plugin.finish_challenge(payment, op, choice)
    finished = decision.payment.operation(op.id)
    assert finished is not None
    redirect = plugin.browser_return(decision.payment, finished)
    if redirect is not None:
        return follow(request, redirect)
    return result(
        request,
        decision.payment,
        "Verification finished",
        f"The payment is now {decision.payment.status.value}.",
    )
