"""POST /v2/orders/{orderId}/pay: the order's single use, the card or the token, recurrences.

Errors come in Revup's order: the order (``0108`` unknown or expired, ``0906`` already used),
the method for the order's sequence (``0312``), then the card (``0300`` … ``0310``) or the token
(``0300`` malformed, ``0151`` unknown, ``0150`` recurrence not available, ``0204`` expired card),
then the MIDs configured for the payment's currency and brand (``0907``).
A refused request leaves the order usable; a forwarded one uses it, whatever its result.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from ...engine import (
    APPROVED,
    Decision,
    OperationStatus,
    Outcome,
    Payment,
    PaymentStatus,
    Result,
    Start,
)
from ...engine.recurrence import Charge, Sequence, check_next
from ...outcomes.card import CardFacts
from ...outcomes.challenge import remember_issuer_answer
from ...services.payments import Scope
from ...services.tokens import StoredCard
from ..base import ProviderPlugin
from . import cards, mapping
from .cards import refused
from .mapping import timestamp
from .mids import Mids
from .models import UUID_PATTERN, CardData, PayRequest

if TYPE_CHECKING:
    from . import MacropayPlugin

_UUID = re.compile(UUID_PATTERN)
_MIT = (Sequence.RECURRING, Sequence.FINAL)


async def pay(
    plugin: MacropayPlugin, scope: Scope, order_id: str, body: PayRequest, mids: Mids
) -> Decision:
    ctx = plugin.context
    now = ctx.clocks.now(scope.tenant)
    payment = await ctx.payments.find(scope, order_id)
    if payment is None:
        raise refused(mapping.NOT_FOUND)
    _check_usable(payment, now)
    raw = payment.details.get("sequence")
    sequence = Sequence(raw) if raw else None
    if body.paymentMethod == "credit_card":
        if sequence in _MIT:
            raise refused(mapping.INVALID_DATA)
        return await _pay_with_card(plugin, scope, payment, body.data, sequence, now, mids)
    if sequence is Sequence.INITIAL:
        raise refused(mapping.INVALID_DATA)
    if not isinstance(body.data, str) or not _UUID.match(body.data):
        raise refused(mapping.INVALID_REQUEST)
    stored = await ctx.tokens.get(scope, body.data.lower())
    if stored is None:
        raise refused(mapping.TOKEN_NOT_FOUND)
    if sequence in _MIT:
        assert sequence is not None
        return await _pay_recurrence(plugin, scope, payment, stored, sequence, now, mids)
    if not await token_usable(plugin, scope, stored):
        raise refused(mapping.TOKEN_NOT_FOUND)
    _check_not_expired(stored.facts, now.date())
    mids.check(payment.currency, stored.brand)
    start = start_payment(
        plugin, payment, stored.facts, holder_of(stored), now, token_used=stored.token
    )
    return await ctx.payments.update(scope, order_id, lambda _p: [start])


def _check_usable(payment: Payment, now: datetime) -> None:
    """An order is paid once, within its lifetime (the engine checks again, atomically)."""
    lapsed = payment.expires_at is not None and payment.expires_at <= now
    if payment.status is PaymentStatus.EXPIRED or (
        payment.status is PaymentStatus.CREATED and lapsed
    ):
        raise refused(mapping.NOT_FOUND)
    if payment.status is not PaymentStatus.CREATED:
        raise refused(mapping.ALREADY_PROCESSED)


async def _pay_with_card(
    plugin: MacropayPlugin,
    scope: Scope,
    payment: Payment,
    data: CardData | str,
    sequence: Sequence | None,
    now: datetime,
    mids: Mids,
) -> Decision:
    ctx = plugin.context
    card = cards.check(cards.decode(data), now.date())
    mids.check(payment.currency, card.facts.brand)
    token = (
        ctx.ids.uuid("macropay-token", payment.id) if payment.details.get("generateToken") else None
    )
    start = start_payment(plugin, payment, card.facts, card.holder, now, token_made=token)
    aliases: list[str] = []
    if card.fallback:
        start = _with_fallback(plugin, payment, start, now)
        aliases.append(start.details["fallback"]["transactionId"])
    # Token and chain exist before the payment commits, so the callback's tokenId works at
    # once. Both take their state from the payment: if it is refused, they are never usable.
    if token is not None:
        extra = {
            "holder": card.holder,
            "payment_id": payment.id,
            "operation_id": start.operation_id,
            "chain": start.operation_id if sequence is Sequence.INITIAL else None,
        }
        await ctx.tokens.issue(scope, token, card.facts, extra)
    if sequence is Sequence.INITIAL:
        days = payment.details.get("minPeriod")
        initial = Charge(payment.id, start.operation_id, Sequence.INITIAL, now)
        period = timedelta(days=days) if days else None
        await plugin.recurrences.start(scope, initial, token, period)
    decision: Decision = await ctx.payments.update(
        scope, payment.reference, lambda _p: [start], aliases=aliases
    )
    return decision


async def _pay_recurrence(
    plugin: MacropayPlugin,
    scope: Scope,
    payment: Payment,
    stored: StoredCard,
    sequence: Sequence,
    now: datetime,
    mids: Mids,
) -> Decision:
    """A recurring or final charge: the parent must head a chain this token belongs to."""
    ctx = plugin.context
    parent = str(payment.details["parentTransactionId"]).lower()
    async with plugin.recurrences.hold(scope, parent):
        chain = await plugin.recurrences.get(scope, parent)
        if chain is None or chain.token != stored.token:
            raise refused(mapping.RECURRENCE_NOT_AVAILABLE)
        check_next(chain, sequence, now)
        _check_not_expired(stored.facts, now.date())
        mids.check(payment.currency, stored.brand)
        # A merchant-initiated charge is out of scope of 3-D Secure: no challenge.
        start = start_payment(
            plugin, payment, stored.facts, holder_of(stored), now, token_used=stored.token
        )
        if start.outcome.result is Result.CHALLENGE:
            start = Start(start.operation_id, APPROVED, start.details)
        decision: Decision = await ctx.payments.update(scope, payment.reference, lambda _p: [start])
        charge = Charge(payment.id, start.operation_id, sequence, now)
        await plugin.recurrences.add(scope, chain, charge, now)
    return decision


async def token_usable(plugin: MacropayPlugin, scope: Scope, stored: StoredCard) -> bool:
    """A token works once the payment that made it succeeded, until its chain is closed."""
    if not stored.active:
        return False
    origin = await plugin.context.payments.get(stored.extra.get("payment_id", ""))
    op = origin.operation(stored.extra.get("operation_id", "")) if origin else None
    if op is None or op.status is not OperationStatus.SUCCEEDED:
        return False
    chain_id = stored.extra.get("chain")
    if chain_id is None:
        return True
    chain = await plugin.recurrences.get(scope, chain_id)
    return chain is not None and not chain.closed


def _check_not_expired(card: CardFacts, today: date) -> None:
    if card.expired(today):
        raise refused(mapping.EXPIRED_CARD)


def holder_of(stored: StoredCard) -> str:
    return str(stored.extra.get("holder", ""))


def start_payment(
    plugin: ProviderPlugin,
    payment: Payment,
    card: CardFacts,
    holder: str,
    now: datetime,
    *,
    token_made: str | None = None,
    token_used: str | None = None,
) -> Start:
    """The order's payment operation with what the callback and inquiry will show."""
    ids = plugin.context.ids
    op_id = ids.uuid(payment.id, "op", 1)
    outcome: Outcome = card.outcome
    details: dict[str, Any] = {
        "payment_method": "credit_card_token" if token_used else "credit_card",
        "card": _card_info(plugin, payment, card, holder),
        "card_mask": card.masked,
        "mid": _mid(plugin, payment.tenant, "primary"),
        "pareq": _pareq(payment, op_id, now),
    }
    if token_made:
        details["token_id"] = token_made
    if token_used:
        details["token_used"] = token_used
    if outcome.result is Result.CHALLENGE:
        details.update(remember_issuer_answer(APPROVED))
    return Start(op_id, outcome, details)


def _with_fallback(plugin: ProviderPlugin, payment: Payment, start: Start, now: datetime) -> Start:
    attempt = {
        "transactionId": plugin.context.ids.uuid(payment.id, "fallback-attempt"),
        "createdAt": timestamp(now),
        "mid": _mid(plugin, payment.tenant, "first"),
    }
    return Start(start.operation_id, start.outcome, {**start.details, "fallback": attempt})


def _card_info(
    plugin: ProviderPlugin, payment: Payment, card: CardFacts, holder: str
) -> dict[str, Any]:
    bank = plugin.context.processor.details("macropay-bin", card.bin)
    order = payment.details["order"]
    country = (
        (order.get("billingAddress") or {}).get("country")
        or (order.get("userInformation") or {}).get("country")
        or "ES"
    )
    slug = re.sub(r"[^a-z0-9]+", "", bank.bank_name.lower())[:24] or "bank"
    return {
        "holder": holder,
        "mask": card.masked,
        "brand": card.brand,
        "expiry_year": f"{card.expiry_year:04d}" if card.expiry_year else None,
        "expiry_month": f"{card.expiry_month:02d}" if card.expiry_month else None,
        "bin_info": {
            "cardBrand": card.brand.lower(),
            "country": str(country).upper(),
            "bankInfo": {
                "bank": bank.bank_name,
                "website": f"www.{slug}.example",
                "phone": f"+34 {bank.terminal_id[:3]} {bank.terminal_id[3:6]} {bank.rrn[:3]}",
            },
        },
    }


def _mid(plugin: ProviderPlugin, tenant: str, which: str) -> dict[str, str]:
    return {
        "id": plugin.context.ids.uuid("macropay-mid", tenant, which),
        "providerApi": "psp-sandbox",
        "paymentSolution": "SandboxSolution",
    }


def _pareq(payment: Payment, op_id: str, now: datetime) -> str:
    """An opaque challenge request for the ACS, as PSPs hand out (base64 JSON here)."""
    blob = {"orderId": payment.reference, "transactionId": op_id, "at": timestamp(now)}
    return base64.b64encode(orjson.dumps(blob)).decode()
