"""POST /payout (PO): money to a card — the one given, or that of an earlier ``paymentId``.

Checksum ``memberId|merchantTransactionId|amount|sKey`` (the secure key last, as documented).
A payout is a transaction of its own, with its own merchantTransactionId and paymentId; its
long status goes payoutstarted → payoutsuccessful | payoutfailed. The card's magic outcome
applies (a declining card declines the payout); no 3-D Secure, no capture, refund or reversal.
"""

from __future__ import annotations

from aiohttp import web

from ...engine import Intent
from ...openapi import Answer
from . import cards, checksums, mapping
from .answers import PaymentAnswer
from .endpoints import BASE, ERRORS, answer, api, check_order, find, receive
from .models import PayoutRequest
from .payments import order_details, payment_body
from .refusals import refused
from .transactions import NewTransaction, open_and_start


@api.post(
    f"{BASE}/payout",
    name="payout",
    body=PayoutRequest,
    answers={
        200: Answer("Processed: transactionStatus Y, N or P", PaymentAnswer),
        **ERRORS,
    },
)
async def payout(request: web.Request) -> web.StreamResponse:
    """Pay out to a card, given in full or as the paymentId of a payment made with it."""
    call = await receive(request, PayoutRequest)
    plugin, principal, asked, member = call.plugin, call.principal, call.asked, call.member
    expected = checksums.payout(member, asked.merchantTransactionId, asked.amount, call.key)
    check_order(asked.authentication, expected, asked.amount, asked.currency)
    now = call.now()
    details = order_details(request, asked)
    if asked.paymentId is not None:
        earlier = await find(plugin, principal, asked.paymentId)
        kept = cards.of_payment(earlier)
        if not kept:
            raise refused(mapping.NOT_ALLOWED)
        facts, holder = cards.facts_of(kept), kept.get("holder")
        details["paymentBrand"] = earlier.details.get("paymentBrand")
        details["paymentMode"] = earlier.details.get("paymentMode")
    elif asked.card is not None:
        facts = cards.unattended(cards.check(asked.card, None, None, now.date()))
        holder = asked.card.holder
        details["paymentBrand"] = cards.brand_name(facts, None)
        details["paymentMode"] = "CC"
    else:
        raise refused(mapping.MISSING_PARAMETER, "card.number")
    new = NewTransaction(
        member, asked.merchantTransactionId, Intent.CREDIT, asked.amount, asked.currency, details
    )
    decision = await open_and_start(plugin, principal.scope(), new, facts, now, holder=holder)
    return answer(payment_body(decision, now))
