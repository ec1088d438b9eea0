"""The virtual card-present terminal: present the test card (insert or tap), enter the PIN, take
the card out or abort — then see the transaction's final status.

An HTTP stand-in for a provider's app and card reader (payworks' deep link
``payworks://transaction/charge?sessionIdentifier=…``). Every button goes through the service
behind ``POST /_sandbox/payments/{id}/execute``; after a POST the browser is sent back to the
page (303), which shows the transaction as it now stands.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from ..appkeys import CONTEXT
from ..engine import Operation, OperationStatus, Payment, RuleViolation, Violation
from ..engine.money import to_decimal
from ..outcomes.terminal import (
    PIN_TRIES,
    AtTerminal,
    PresentedCard,
    TerminalRefusal,
    masked_card,
    terminal_state,
)
from ..providers.base import ProviderPlugin
from ..services import terminal
from .lookup import operation_of_page
from .pages import not_found, page

#: What the page says when the engine refuses a step.
_REFUSED: Mapping[Violation, str] = {
    Violation.ORDER_EXPIRED: "The session expired before a card was presented.",
    Violation.ORDER_ALREADY_PROCESSED: "This transaction has already been executed.",
    Violation.NOT_CANCELLABLE: "Too late to abort: the transaction is under way.",
}


async def terminal_page(request: web.Request) -> web.StreamResponse:
    found = await operation_of_page(request, request.match_info["session_id"])
    profile = found[2].terminal if found is not None else None
    if found is None or profile is None:
        return not_found(request, "terminal session")
    payment, op, plugin = found
    ctx = request.config_dict[CONTEXT]
    error = ""
    if request.method == "POST":
        done = _what_was_done(await request.post())
        if done is None:
            error = "Choose what to do at the terminal."
        else:
            try:
                await terminal.act(ctx.payments, profile, payment, op.id, done)
            except TerminalRefusal as refusal:
                error = refusal.message
            except RuleViolation as violation:
                error = _REFUSED.get(violation.code, str(violation))
            else:
                raise web.HTTPSeeOther(request.path)
    return _show(request, plugin, payment, op, error)


def _what_was_done(form: Mapping[str, object]) -> AtTerminal | None:
    match form.get("action"):
        case "insert":
            return AtTerminal(PresentedCard("contact"))
        case "tap":
            return AtTerminal(PresentedCard("contactless"))
        case "pin":
            return AtTerminal(pin=str(form.get("pin", "")))
        case "remove":
            return AtTerminal(remove_card=True)
        case "abort":
            return AtTerminal(abort=True)
    return None


def _show(
    request: web.Request, plugin: ProviderPlugin, payment: Payment, op: Operation, error: str
) -> web.Response:
    assert plugin.terminal is not None
    tries_left = int(terminal_state(op).get("pin_tries_left", PIN_TRIES))
    match op.status:
        case OperationStatus.REGISTERED:
            step, prompt = "present", f"Insert or tap the {plugin.terminal.test_card}."
        case OperationStatus.ACTION_REQUIRED if tries_left < PIN_TRIES:
            step = "pin"
            prompt = f"Wrong PIN. {tries_left} {'try' if tries_left == 1 else 'tries'} left."
        case OperationStatus.ACTION_REQUIRED:
            step, prompt = "pin", "Enter the PIN."
        case OperationStatus.PENDING:
            step, prompt = "processing", "Processing: the result follows."
        case _:
            step, prompt = "done", "Transaction finished. You may remove the card."
    return page(
        request,
        f"{plugin.title} terminal",
        "terminal",
        409 if error else 200,
        provider=plugin.title,
        test_card=plugin.terminal.test_card,
        kind="Refund" if not op.kind.is_primary else "Payment",
        amount=f"{to_decimal(op.amount, payment.currency)} {payment.currency}",
        currency=payment.currency,
        subject=str(op.details.get("description") or ""),
        status=plugin.terminal.status_of(payment, op),
        card=masked_card(op) or "",
        step=step,
        prompt=prompt,
        error=error,
        action=request.path,
        amounts=[f"{row.amount}: {row.description}" for row in plugin.magic_amounts],
    )
