"""The hosted checkout page: the card form of an order created in hosted mode."""

from __future__ import annotations

from aiohttp import web

from ..appkeys import CONTEXT
from ..engine import OperationStatus, PaymentStatus
from ..outcomes.magic import catalog
from ..providers.base import ApiError, CardForm, origin_of
from .links import acs_url
from .pages import follow, money, not_found, page, result


async def checkout_page(request: web.Request) -> web.StreamResponse:
    ctx = request.config_dict[CONTEXT]
    payment = await ctx.payments.get(request.match_info["payment_id"])
    plugin = ctx.plugins.get(payment.provider) if payment else None
    if payment is None or plugin is None:
        return not_found(request, "payment page")
    if payment.status is not PaymentStatus.CREATED:
        return result(request, payment, "This order is closed", f"It is {payment.status.value}.")
    await ctx.clocks.refresh(payment.tenant)
    error = ""
    if request.method == "POST":
        form = await request.post()
        try:
            card = CardForm(
                number=str(form.get("number", "")).replace(" ", ""),
                expiry_month=int(str(form.get("expiry_month", ""))),
                expiry_year=int(str(form.get("expiry_year", ""))),
                cvv=str(form.get("cvv", "")),
                holder=str(form.get("holder", "")),
            )
            decision = await plugin.pay_hosted(payment, card)
        except ValueError:
            error = "Please give the expiry month and year as numbers."
        except ApiError as refused:
            error = _message_of(refused)
        else:
            op = decision.operation
            assert op is not None
            if op.status is OperationStatus.ACTION_REQUIRED:
                raise web.HTTPSeeOther(acs_url(origin_of(request), payment.id, op.id))
            redirect = plugin.browser_return(decision.payment, op)
            if redirect is not None:
                return follow(request, redirect)
            return result(
                request,
                decision.payment,
                "Payment finished",
                f"The payment is now {decision.payment.status.value}.",
            )
    today = ctx.clocks.now(payment.tenant).date()
    cards = ", ".join(
        c["card_number"] + " (" + c["description"] + ")" for c in catalog(plugin.magic_cards)[:6]
    )
    return page(
        request,
        "Checkout",
        "checkout",
        400 if error else 200,
        provider=plugin.title,
        reference=payment.reference,
        amount=money(payment),
        description=str(payment.details.get("description") or ""),
        error=error,
        action=request.path,
        year=str(today.year + 2),
        cards=cards,
    )


def _message_of(error: ApiError) -> str:
    body = error.body
    if isinstance(body, dict):
        args = body.get("args")
        if isinstance(args, dict) and args.get("violation"):
            return str(args["violation"])
        for key in ("message", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return "The card was refused."
