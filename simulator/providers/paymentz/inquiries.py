"""POST /inquiry — one transaction by merchantTransactionId (MID) or paymentId (PID) — and
POST /getTransactionList — a member's transactions between two days.

Checksums: ``memberId|sKey|merchantTransactionId`` by MID, ``memberId|sKey|paymentId`` by PID,
``memberId|sKey`` for the list. The list's days are ``dd/mm/yyyy`` on the tenant clock (UTC),
both included; ``status`` filters by long status. It holds at most 1000 transactions, newest
first; an empty list answers ``10009 Record not found``.
"""

from __future__ import annotations

from datetime import date, datetime

from aiohttp import web

from ...openapi import Answer
from ...store import PaymentFilter
from . import checksums, mapping, render
from .answers import Inquiry, TransactionList
from .endpoints import (
    BASE,
    ERRORS,
    answer,
    api,
    find,
    find_by_reference,
    receive,
    verify,
)
from .models import InquiryRequest, TransactionListRequest
from .refusals import refused

#: The most transactions one list answers with (sandbox-defined).
LIST_LIMIT = 1000
#: How far back the list looks in the store (newest first).
_SCAN = 100_000


@api.post(
    f"{BASE}/inquiry",
    name="inquiry",
    body=InquiryRequest,
    answers={200: Answer("The transaction as it is now (00026)", Inquiry), **ERRORS},
)
async def inquiry(request: web.Request) -> web.StreamResponse:
    """One transaction, by merchantTransactionId (idType MID) or paymentId (idType PID)."""
    call = await receive(request, InquiryRequest)
    plugin, principal, asked, member, key = (
        call.plugin, call.principal, call.asked, call.member, call.key
    )  # fmt: skip
    if asked.idType == "MID":
        if asked.merchantTransactionId is None:
            raise refused(mapping.MISSING_PARAMETER, "merchantTransactionId")
        reference = asked.merchantTransactionId
        verify(asked.authentication, checksums.by_merchant_id(member, key, reference))
        payment = await find_by_reference(plugin, principal, reference)
    else:
        if asked.paymentId is None:
            raise refused(mapping.MISSING_PARAMETER, "paymentId")
        verify(asked.authentication, checksums.by_payment_id(member, key, asked.paymentId))
        payment = await find(plugin, principal, asked.paymentId)
    return answer(render.inquiry(payment, call.now()))


@api.post(
    f"{BASE}/getTransactionList",
    name="transaction_list",
    body=TransactionListRequest,
    answers={
        200: Answer("The transactions (00026), or none (10009)", TransactionList),
        **ERRORS,
    },
)
async def transaction_list(request: web.Request) -> web.StreamResponse:
    """The member's transactions made between two days, optionally of one long status."""
    call = await receive(request, TransactionListRequest)
    plugin, principal, asked, member = call.plugin, call.principal, call.asked, call.member
    verify(asked.authentication, checksums.transaction_list(member, call.key))
    first = _day(asked.pagination.fromdate, "pagination.fromdate")
    last = _day(asked.pagination.todate, "pagination.todate")
    if last < first:
        raise refused(mapping.INVALID_PARAMETER, "pagination.todate")
    status = asked.status
    if status is not None and status not in mapping.LONG_STATUSES:
        raise refused(mapping.INVALID_PARAMETER, "status")
    scope = principal.scope()
    stored = await plugin.context.store.list_payments(
        PaymentFilter(tenant=scope.tenant, provider=scope.provider, limit=_SCAN)
    )
    found = [
        render.summary(p)
        for p in stored
        if p.details.get("memberId") == member
        and first <= p.created_at.date() <= last
        and (status is None or mapping.long_status(p) == status)
    ][:LIST_LIMIT]
    now = plugin.context.clocks.now(scope.tenant)
    result = mapping.FOUND if found else mapping.NOT_FOUND
    return answer(
        {"transactions": found, "result": result.body(), "timestamp": mapping.timestamp(now)}
    )


def _day(text: str, name: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise refused(mapping.INVALID_PARAMETER, name) from None
