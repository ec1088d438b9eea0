"""New Paymentz transactions: their paymentId, what they keep, and their first operation.

Debits, preauthorizations, repeated charges, payouts and Standard Checkout orders all start
here. A ``paymentId`` is numeric (as Paymentz's tracking ids are), named by the tenant and the
merchantTransactionId, so seeded runs repeat it; the merchantTransactionId is the payment's
reference, so a second transaction with it is refused (13001) in the same commit that would
have stored it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...engine import APPROVED, CHALLENGE, Decision, Intent, Open, Outcome, Result, Start
from ...outcomes.card import CardFacts
from ...outcomes.challenge import remember_issuer_answer
from ...services.payments import Scope
from . import cards
from .endpoints import minor_amount

if TYPE_CHECKING:
    from . import PaymentzPlugin

#: Digits of a paymentId: short enough to read, wide enough never to repeat in a tenant.
PAYMENT_ID_DIGITS = 12


@dataclass(frozen=True, slots=True)
class NewTransaction:
    """What a request asks for, in the sandbox's terms."""

    member_id: str
    merchant_transaction_id: str
    intent: Intent
    amount: str
    currency: str
    #: Provider data the payment keeps (URLs, customer, templates, card …).
    details: Mapping[str, Any] = field(default_factory=dict)


async def new_payment_id(plugin: PaymentzPlugin, scope: Scope, reference: str) -> str:
    """A numeric paymentId no other transaction of the tenant has."""
    ids = plugin.context.ids
    for salt in range(100):
        candidate = ids.digits(PAYMENT_ID_DIGITS, "paymentz-id", scope.tenant, reference, salt)
        if await plugin.context.payments.find_by_alias(scope, candidate) is None:
            return candidate
    raise RuntimeError("no free paymentId")  # 100 collisions of 12 random digits: never


def outcome_for(facts: CardFacts, challenge: str = "3D") -> tuple[Outcome, dict[str, Any]]:
    """The card's outcome, with 3-D Secure as asked: ``3D`` as the card says, ``only3D`` always,
    ``direct`` never (a challenging card then ends as its issuer would answer)."""
    outcome = facts.outcome
    if challenge == "only3D" and outcome.result is not Result.CHALLENGE:
        return CHALLENGE, dict(remember_issuer_answer(outcome))
    if outcome.result is Result.CHALLENGE:
        if challenge == "direct":
            return APPROVED, {}
        return outcome, dict(remember_issuer_answer(APPROVED))
    return outcome, {}


async def open_and_start(
    plugin: PaymentzPlugin,
    scope: Scope,
    asked: NewTransaction,
    facts: CardFacts | None,
    now: datetime,
    *,
    holder: str | None = None,
    outcome: Outcome | None = None,
    op_details: Mapping[str, Any] | None = None,
    aliases: tuple[str, ...] = (),
) -> Decision:
    """Open the transaction and run its first operation with the card (without a card it
    waits, open, for the hosted page); ``aliases`` are further ids that find it (a
    registration id), stored in the same commit."""
    ctx = plugin.context
    reference = asked.merchant_transaction_id
    payment_id = await new_payment_id(plugin, scope, reference)
    internal_id = ctx.ids.uuid("paymentz", scope.tenant, reference)
    details: dict[str, Any] = {
        **asked.details,
        "memberId": asked.member_id,
        "paymentId": payment_id,
        "bankReferenceId": ctx.processor.details("paymentz", internal_id).rrn,
    }
    minor = minor_amount(asked.amount, asked.currency)
    commands: list[Open | Start] = [
        Open(internal_id, scope.tenant, plugin.name, reference, asked.currency, minor,
             asked.intent, details)
    ]  # fmt: skip
    if facts is not None:
        first = outcome if outcome is not None else facts.outcome
        commands.append(first_operation(plugin, internal_id, facts, holder, first, op_details))
    return await ctx.payments.create(scope, reference, commands, aliases=[payment_id, *aliases])


def first_operation(
    plugin: PaymentzPlugin,
    payment_id: str,
    facts: CardFacts,
    holder: str | None,
    outcome: Outcome,
    details: Mapping[str, Any] | None = None,
) -> Start:
    """The transaction's own operation, keeping its card (never the number)."""
    op_details = {**(details or {}), "card": cards.kept(facts, holder), "card_mask": facts.masked}
    return Start(plugin.context.ids.uuid(payment_id, "op", 1), outcome, op_details)
