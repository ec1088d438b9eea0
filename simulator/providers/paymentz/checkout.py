"""Standard Checkout: the browser's form POST to ``/transaction/Checkout``, the hosted card page
it leads to, and the way back to the merchant (``/transaction/ThreeDSecureReturn``).

The form carries ``memberId``, ``totype``, ``amount``, ``merchantTransactionId``,
``merchantRedirectUrl`` and ``checksum`` = md5(memberId|totype|amount|merchantTransactionId|
merchantRedirectUrl|sKey), plus ``currency`` (else ``TMPL_CURRENCY``, else EUR — sandbox-defined),
``transactionType`` PA or DB, ``attemptThreeD`` (only3D: always a challenge, 3D: as the card
says, direct: never), ``notificationUrl`` and customer fields. A valid form opens the transaction
and sends the browser (303) to the sandbox's hosted card page; its submit runs the payment (a
challenge first, where asked) and the browser returns to ``merchantRedirectUrl``. Unpaid, the
order lapses after 30 minutes of the tenant clock (``authcancelled``). What goes wrong here is
answered as an HTML page: a browser is on the other end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ...engine import Decision, Payment, RuleViolation
from ...openapi import Answer
from ...outcomes.card import InvalidCardNumber, read_card
from ...services.payments import Scope
from ...ui.links import checkout_url
from ...ui.pages import follow, page, result
from ..base import ApiError, CardForm, origin_of
from . import checksums, mapping, threeds
from .endpoints import api, paymentz, read
from .magic import CARDS
from .models import CheckoutRequest, TermUrlForm
from .transactions import NewTransaction, first_operation, open_and_start, outcome_for

if TYPE_CHECKING:
    from . import PaymentzPlugin

CHECKOUT_PATH = "/transaction/Checkout"
DEFAULT_CURRENCY = "EUR"


class Refusal(Exception):
    """A checkout request the sandbox turns away, shown to the browser as a page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


_PAGES = {
    303: Answer("On to the hosted card page (Location)", headers={"Location": "The page"}),
    400: Answer("Missing or invalid field (an HTML page)", str, "text/html"),
    401: Answer("Unknown member (an HTML page)", str, "text/html"),
    403: Answer("Checksum mismatch (an HTML page)", str, "text/html"),
    409: Answer("merchantTransactionId already used (an HTML page)", str, "text/html"),
    415: Answer("Neither a form nor JSON (an HTML page)", str, "text/html"),
}


@api.post(CHECKOUT_PATH, name="checkout", body=CheckoutRequest, public=True, answers=_PAGES)
async def checkout(request: web.Request) -> web.StreamResponse:
    """Standard Checkout: the browser's form opens the order, then the hosted card page."""
    plugin = paymentz(request)
    try:
        payment = await _open(plugin, request)
    except Refusal as refusal:
        return _refusal_page(request, refusal)
    raise web.HTTPSeeOther(checkout_url(origin_of(request), payment.id))


async def _open(plugin: PaymentzPlugin, request: web.Request) -> Payment:
    try:
        asked = await read(request, CheckoutRequest)
    except ApiError as error:
        raise Refusal(error.status, _description(error)) from None
    credential = await plugin.context.credentials.lookup("paymentz", asked.memberId)
    if credential is None:
        raise Refusal(401, mapping.BAD_CREDENTIALS.description)
    expected = checksums.checkout(
        asked.memberId,
        asked.totype,
        asked.amount,
        asked.merchantTransactionId,
        asked.merchantRedirectUrl,
        credential.secret or "",
    )
    if not checksums.matches(asked.checksum, expected):
        raise Refusal(403, mapping.INVALID_CHECKSUM.description)
    tenant = plugin.tenant_for(request, credential)
    currency = asked.currency or asked.TMPL_CURRENCY or DEFAULT_CURRENCY
    customer = asked.customer.model_dump(exclude_none=True) if asked.customer else {}
    details = {
        "origin": origin_of(request),
        "notificationUrl": asked.notificationUrl,
        "merchantRedirectUrl": asked.merchantRedirectUrl,
        "description": asked.orderDescription,
        "customer": customer,
        "tmpl_amount": asked.TMPL_AMOUNT,
        "tmpl_currency": asked.TMPL_CURRENCY,
        "terminalId": asked.terminalid,
        "paymentMode": "CC",
        "checkout": {
            "totype": asked.totype,
            "attemptThreeD": asked.attemptThreeD,
            "lang": asked.lang,
        },
    }
    new = NewTransaction(
        asked.memberId,
        asked.merchantTransactionId,
        mapping.INTENT_OF[asked.transactionType],
        asked.amount,
        currency,
        details,
    )
    scope = Scope(tenant, plugin.name)
    await plugin.context.clocks.ensure(tenant)
    now = plugin.context.clocks.now(tenant)
    try:
        decision = await open_and_start(plugin, scope, new, None, now)
    except ApiError as error:
        raise Refusal(error.status, _description(error)) from None
    except RuleViolation as violation:
        refusal = plugin.violation(violation)
        raise Refusal(refusal.status, _description(refusal)) from None
    return decision.payment


async def pay(plugin: PaymentzPlugin, payment: Payment, card: CardForm) -> Decision:
    """The card page's submit: the order's payment, challenged as ``attemptThreeD`` says."""
    ctx = plugin.context
    now = ctx.clocks.now(payment.tenant)
    try:
        facts = read_card(card.number, card.expiry_month, card.expiry_year, now.date(), CARDS)
    except InvalidCardNumber:
        raise ApiError(400, {"message": mapping.INVALID_CARD_NUMBER.description}) from None
    asked = payment.details["checkout"]["attemptThreeD"]
    outcome, details = outcome_for(facts, asked)
    start = first_operation(plugin, payment.id, facts, card.holder, outcome, details)
    scope = Scope(payment.tenant, payment.provider)
    return await ctx.payments.update(scope, payment.reference, lambda _p: [start])


@api.post(
    threeds.TERM_PATH,
    name="three_d_secure_return",
    body=TermUrlForm,
    public=True,
    answers={
        200: Answer("A page that posts the result on to merchantRedirectUrl", str, "text/html"),
        404: Answer("No such transaction (an HTML page)", str, "text/html"),
    },
)
async def term_url(request: web.Request) -> web.StreamResponse:
    """TermUrl: after the ACS (or the card page), on to merchantRedirectUrl with the result."""
    plugin = paymentz(request)
    try:
        form = await read(request, TermUrlForm)
    except ApiError:
        form = TermUrlForm()
    payment_id, _op = threeds.operation_of(form.MD)
    payment = await plugin.context.payments.get(payment_id) if payment_id else None
    if payment is None or payment.provider != plugin.name:
        return _refusal_page(request, Refusal(404, mapping.NOT_FOUND.description))
    credential = await plugin.context.credentials.lookup("paymentz", payment.details["memberId"])
    key = credential.secret if credential else ""
    back = threeds.back_to_merchant(payment, key or "")
    if back is None:
        return result(
            request, payment, "Payment finished", f"The payment is now {payment.status.value}."
        )
    return follow(request, back)


def _refusal_page(request: web.Request, refusal: Refusal) -> web.Response:
    return page(
        request,
        "Checkout refused",
        "result",
        refusal.status,
        headline="Checkout refused",
        reference="-",
        status=str(refusal.status),
        message=refusal.message,
    )


def _description(error: ApiError) -> str:
    body = error.body if isinstance(error.body, dict) else {}
    result = body.get("result")
    described = result.get("description") if isinstance(result, dict) else None
    return str(described or "The checkout was refused")
