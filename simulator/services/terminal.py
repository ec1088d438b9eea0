"""Card-present execution: what a person does at a terminal, run on a registered operation.

The admin API (``POST /_sandbox/payments/{id}/execute``) and the virtual terminal page both
come here, so a headless test and a person clicking through the page take one code path.
"""

from __future__ import annotations

from ..engine import Command, Decision, Execute, Payment, Tick
from ..outcomes.terminal import AtTerminal, TerminalProfile, first_step, pin_step, waiting_operation
from .payments import PaymentService, Scope


async def act(
    payments: PaymentService,
    profile: TerminalProfile,
    payment: Payment,
    operation_id: str | None,
    done: AtTerminal,
) -> Decision:
    """Apply what was done at the terminal to the operation that waits there (or the one
    named). A card presented with a PIN is two steps, each its own unit of work, as at a real
    terminal: the card is read, then the PIN typed. Raises TerminalRefusal or RuleViolation
    (nothing changed by the step refused)."""
    scope = Scope(payment.tenant, payment.provider)
    presented: list[str] = []

    def first(current: Payment) -> list[Command]:
        op = waiting_operation(current, operation_id)
        step = first_step(current, op, done, profile)
        if isinstance(step, Execute):
            presented.append(op.id)
        return [step]

    decision = await payments.update(scope, payment.reference, first)
    if not presented:
        return decision

    def second(current: Payment) -> list[Command]:
        op = current.operation(presented[0])
        step = pin_step(op, done) if op is not None else None
        return [step if step is not None else Tick()]

    after = decision.payment.operation(presented[0])
    if after is None or pin_step(after, done) is None:
        return decision
    return await payments.update(scope, payment.reference, second)
