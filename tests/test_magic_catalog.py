"""The magic catalog (GET /_sandbox/magic) says what each provider's API answers, card by card:
every listed card is paid through the provider's own API, as its entry's condition says, and
the payment ends as the entry says. Every registered provider needs a probe here."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservApiError
from psp_sandbox.client.fiserv import Card as FiservCard
from psp_sandbox.client.macropay import AsyncMacropayClient, MacropayApiError
from psp_sandbox.client.macropay import Card as MacropayCard
from psp_sandbox.client.paymentz import AsyncPaymentzClient, PaymentzApiError
from psp_sandbox.client.paymentz import Card as PaymentzCard
from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from psp_sandbox.client.tranzzo import Card as TranzzoCard
from psp_sandbox.simulator.outcomes.magic import PENDING_DELAY_SECONDS
from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.providers.payworks.magic import TEST_CARD
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.fiserv.conftest import TenantClock
from tests.providers.macropay.conftest import API_KEY as MACROPAY
from tests.providers.paymentz.conftest import CREDENTIALS as PAYMENTZ
from tests.providers.payworks.conftest import CREDENTIALS as PAYWORKS
from tests.providers.payworks.conftest import MERCHANT as PAYWORKS_MERCHANT
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO

#: Pays with the catalog ``entry``'s card (for the amount and under the condition it names)
#: through the provider's API under ``reference``; returns the sandbox's payment id.
Pay = Callable[[Sandbox, AsyncSandboxAdmin, Mapping[str, str], str], Awaitable[str]]
AUTH = {
    "authenticationType": "Secure3DAuthenticationRequest",
    "termURL": "https://shop.example/3ds/term",
    "methodNotificationURL": "https://shop.example/3ds/method",
}


async def primary(admin: AsyncSandboxAdmin, payment_id: str) -> dict[str, Any]:
    return dict((await admin.payment(payment_id))["operations"][0])


async def pay_tranzzo(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, entry: Mapping[str, str], reference: str
) -> str:
    number = entry["card_number"]
    async with AsyncTranzzoClient(
        sandbox.base_url("tranzzo"), TRANZZO, headers=sandbox.headers
    ) as c:
        with contextlib.suppress(TranzzoApiError):
            await c.purchase(reference, 10, "UAH", card=TranzzoCard(number, 12, 30, "123"))
    return str((await admin.find_payment("tranzzo", reference))["id"])


async def pay_macropay(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, entry: Mapping[str, str], _reference: str
) -> str:
    number = entry["card_number"]
    base = sandbox.base_url("macropay") + "/v2"
    async with AsyncMacropayClient(base, MACROPAY, headers=sandbox.headers) as c:
        order = (await c.create_order("10.00", "EUR"))["orderId"]
        with contextlib.suppress(MacropayApiError):
            await c.pay_with_card(order, MacropayCard(number, "Ana Test", 12, 2030, "123"))
    return str((await admin.find_payment("macropay", order))["id"])


async def pay_paymentz(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, entry: Mapping[str, str], reference: str
) -> str:
    number = entry["card_number"]
    async with AsyncPaymentzClient(
        sandbox.base_url("paymentz"), PAYMENTZ, headers=sandbox.headers
    ) as c:
        with contextlib.suppress(PaymentzApiError):
            await c.debit(reference, "10.00", "EUR", PaymentzCard(number, 12, 2030, "123", "Ana"))
    return str((await admin.find_payment("paymentz", reference))["id"])


async def pay_fiserv(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, entry: Mapping[str, str], reference: str
) -> str:
    """A sale — with authenticationRequest when the entry says so, its 3DS method reported,
    the challenge approved and the result PATCHed — as an integration completes it."""
    number, condition = entry["card_number"], entry.get("condition", "")
    clock = TenantClock()
    base = sandbox.base_url("fiserv") + "/gateway/v2"
    async with AsyncFiservClient(base, FISERV, headers=sandbox.headers, clock=clock) as c:
        auth = AUTH if "authenticationRequest" in condition else None
        with contextlib.suppress(FiservApiError):
            sale = await c.sale("10.00", "EUR", card=FiservCard(number, "12", "30", "123"),
                                order_id=reference, authentication=auth)  # fmt: skip
            transaction = sale["ipgTransactionId"]
            if sale.get("approvalCode") == "?:waiting 3dsecureMethod":
                sale = await c.method_done(transaction)
            if sale.get("approvalCode") == "?:waiting 3dsecure":
                payment = await admin.find_payment("fiserv", reference)
                await admin.complete_challenge(payment["id"], "approve")
                if sale["authenticationResponse"]["version"] == "1.0":
                    body = {"authenticationType": "Secure3D10AuthenticationUpdateRequest",
                            "payerAuthenticationResponse": "PaRes"}  # fmt: skip
                    await c.send("PATCH", f"/payments/{transaction}", body)
                else:
                    await c.challenge_done(transaction, "cRes")
    return str((await admin.find_payment("fiserv", reference))["id"])


def amount_of(row: str) -> str:
    """An amount of a payworks Test Card row (``0xx.00``, ``x2x.00``, ``>= 1000.00`` ...): an
    unnamed hundreds digit is 0, an unnamed tens digit 2 (the card asks for its offline PIN,
    so the units digit matters), an unnamed units digit 5."""
    if row == "with cents":
        return "10.50"
    digits = row.removeprefix(">= ").split(" ")[0].removesuffix(".00")
    if len(digits) != 3:
        return f"{digits}.00"
    chosen = [d if d != "x" else fill for d, fill in zip(digits, "025", strict=True)]
    return f"{int(''.join(chosen))}.00"


async def pay_payworks(
    sandbox: Sandbox, admin: AsyncSandboxAdmin, entry: Mapping[str, str], _reference: str
) -> str:
    """A charge presented on the terminal — the Test Card for its amount rows, any other card
    by its number — with the PIN typed each time the card asks for it (three tries at most)."""
    number = entry["card_number"]
    amount = amount_of(entry["amount"]) if "amount" in entry else "10.00"
    async with AsyncPayworksClient(
        sandbox.base_url("payworks"), PAYWORKS, headers=sandbox.headers
    ) as c:
        session = await c.register_charge(PAYWORKS_MERCHANT, amount, "EUR")
    transaction = session["transaction"]["identifier"]
    [payment] = await admin.payments(provider="payworks", reference=transaction)
    card = None if number == TEST_CARD else number
    await admin.execute(payment["id"], operation_id=transaction, card_number=card, pin="1234")
    for _try in range(2):
        if (await primary(admin, payment["id"]))["status"] != "action_required":
            break
        await admin.execute(payment["id"], operation_id=transaction, pin="1234")
    return str(payment["id"])


PROBES: dict[str, Pay] = {
    "tranzzo": pay_tranzzo,
    "fiserv": pay_fiserv,
    "macropay": pay_macropay,
    "paymentz": pay_paymentz,
    "payworks": pay_payworks,
}


@pytest.fixture
async def catalog(admin: AsyncSandboxAdmin) -> dict[str, list[dict[str, str]]]:
    return dict(await admin.magic())


@pytest.mark.parametrize("provider", [p.name for p in PROVIDERS])
async def test_every_catalog_card_is_answered_as_the_catalog_says(
    provider: str,
    sandbox: Sandbox,
    admin: AsyncSandboxAdmin,
    catalog: dict[str, list[dict[str, str]]],
) -> None:
    pay = PROBES.get(provider)
    if pay is None:
        pytest.fail(
            f"no magic-catalog probe for {provider}: add one to tests/test_magic_catalog.py"
        )
    disagreements = []
    for index, entry in enumerate(catalog[provider]):
        payment_id = await pay(sandbox, admin, entry, f"magic-{index}")
        seen = await _outcome(admin, payment_id)
        if not _agrees(entry, seen):
            row = entry["card_number"] + (f" for {entry['amount']}" if "amount" in entry else "")
            disagreements.append(f"{row}: listed {entry['result']}/{entry['reason']}, "
                                 f"answered {seen}")  # fmt: skip
    assert not disagreements, "\n".join(disagreements)


async def _outcome(admin: AsyncSandboxAdmin, payment_id: str) -> dict[str, Any]:
    """How the payment went: the primary operation's first and final status and reason (a
    pending one after its delay; a challenge shows in the payment's history)."""
    first = await primary(admin, payment_id)
    if first["status"] == "pending" and not first["details"].get("threeds"):
        await admin.advance_clock(PENDING_DELAY_SECONDS)
    final = await primary(admin, payment_id)
    history = (await admin.payment(payment_id))["history"]
    challenged = any(change["new"] == "action_required" for change in history)
    return {"first": first["status"], "status": final["status"], "reason": final["reason"],
            "challenged": challenged}  # fmt: skip


def _agrees(entry: dict[str, str], seen: dict[str, Any]) -> bool:
    result, reason = entry["result"], entry["reason"]
    if result == "challenge":
        return bool(seen["challenged"])
    if result == "pending":
        return seen["first"] == "pending" and seen["status"] != "pending"
    expected = {"approved": "succeeded", "declined": "declined", "failed": "failed"}[result]
    return seen["status"] == expected and (result == "approved" or seen["reason"] == reason)


async def test_the_catalog_names_the_condition_of_fiserv_s_3ds_cards(
    catalog: dict[str, list[dict[str, str]]],
) -> None:
    fiserv = {e["card_number"]: e for e in catalog["fiserv"]}
    rejected = fiserv["4147463011110042"]  # frictionless R
    assert (rejected["result"], rejected["reason"]) == ("declined", "authentication_failed")
    assert "authenticationRequest" in rejected["condition"]
    neutral_challenge = fiserv["4000000000003220"]
    assert (neutral_challenge["result"], neutral_challenge["source"]) == ("challenge", "provider")
    assert all(e["condition"] == "" for e in catalog["tranzzo"])
