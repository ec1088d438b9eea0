"""A card number a merchant writes into free text (descriptions, comments, customer names,
addresses, payloads) is masked on the way in, on every provider: neither the SQLite file, the
log, the answers nor the webhooks hold it, only its BIN and last four; a merchant reference
shaped like a card number is kept exactly and finds its order (docs/security.md)."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.client.fiserv import Card as FiservCard
from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.macropay import Card as MacropayCard
from psp_sandbox.client.paymentz import AsyncPaymentzClient
from psp_sandbox.client.paymentz import Card as PaymentzCard
from psp_sandbox.client.payworks import AsyncPayworksClient
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.client.tranzzo import Card as TranzzoCard
from psp_sandbox.simulator.testing.server import SandboxServer
from psp_sandbox.simulator.testing.sink import Delivery, WebhookSink
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.macropay.conftest import API_KEY as MACROPAY
from tests.providers.paymentz.conftest import CREDENTIALS as PAYMENTZ
from tests.providers.payworks.conftest import CREDENTIALS as PAYWORKS
from tests.providers.payworks.conftest import MERCHANT as PAYWORKS_MERCHANT
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO

TENANT = "free-text"
HEADERS = {"X-Sandbox-Tenant": TENANT}
#: The card the payments are made with (not one written into free text).
PAYING = "4111111111111111"
CVV = "739"


def luhn(body: str) -> str:
    """``body`` with its Luhn check digit appended."""
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (1 if position % 2 else 2)
        total += value - 9 if value > 9 else value
    return body + str(-total % 10)


def _numbers() -> Iterator[str]:
    """Luhn-valid numbers no other test uses (BIN 453957), each with its own last four."""
    serial = 0
    while True:
        serial += 1
        yield luhn(f"453957{serial:09d}")


@dataclass
class Written:
    """The card numbers written into each free-text field, and what became of them."""

    numbers: Iterator[str] = field(default_factory=_numbers)
    #: field -> (the number written plain, the one written in groups of four)
    by_field: dict[str, tuple[str, str]] = field(default_factory=dict)
    answers: list[Any] = field(default_factory=list)

    def text(self, name: str) -> str:
        """Free text for ``name`` holding two fresh card numbers and a security code."""
        plain, spaced = next(self.numbers), next(self.numbers)
        self.by_field[name] = (plain, spaced)
        return f"{plain} / {grouped(spaced)} cvv: {CVV}"

    def answered(self, answer: Any) -> Any:
        self.answers.append(answer)
        return answer


def grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def masked(number: str) -> str:
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def readable(delivery: Delivery) -> bytes:
    """A webhook body as sent, its form values and any base64 in them decoded."""
    parts = [delivery.body]
    for _, value in parse_qsl(delivery.body.decode()):
        parts.append(value.encode())
        with contextlib.suppress(binascii.Error, ValueError):
            parts.append(base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_"))
    return b"\n".join(parts)


@dataclass(frozen=True)
class Case:
    """One provider's primary request with every free-text field filled in."""

    pay: Callable[[str, WebhookSink, Written], Awaitable[None]]
    #: Fields whose text the sandbox keeps (so their masked numbers are in the store).
    kept: frozenset[str]
    #: Fields whose text the answers echo.
    echoed: frozenset[str]
    webhooks: int
    #: Whether the request names the order by the merchant's own reference (``REFERENCE``).
    referenced: bool = True


# A merchant reference shaped like a card number, kept exactly (it is not free text).
REFERENCE = luhn("455673" + "000000001")


async def tranzzo(url: str, sink: WebhookSink, written: Written) -> None:
    async with AsyncTranzzoClient(f"{url}/tranzzo", TRANZZO, headers=HEADERS) as client:
        product = {"id": "sku-1", "description": written.text("products.description")}
        product["payload"] = written.text("products.payload")
        written.answered(
            await client.purchase(
                REFERENCE,
                5,
                "UAH",
                card=TranzzoCard(PAYING, 12, 30, CVV),
                server_url=sink.url_for("tranzzo"),
                description=written.text("description"),
                customer_fname=written.text("customer_fname"),
                customer_lname=written.text("customer_lname"),
                customer_patronym=written.text("customer_patronym"),
                payload=written.text("payload"),
                products=[product],
            )
        )
        [found] = written.answered(await client.order_status(REFERENCE))
        assert found["order_id"] == REFERENCE


async def fiserv(url: str, sink: WebhookSink, written: Written) -> None:
    async with AsyncFiservClient(f"{url}/fiserv/gateway/v2", FISERV, headers=HEADERS) as client:
        card = FiservCard(PAYING, "12", "30", CVV).as_json()
        card["cardholderName"] = written.text("cardholderName")[:96]
        address = {"address1": written.text("billing.address.address1"), "postalCode": "01001"}
        address["city"] = written.text("billing.address.city")
        billing = {"name": written.text("billing.name"), "address": address}
        shipping = {"name": written.text("shipping.name")}
        order = {"orderId": REFERENCE, "billing": billing, "shipping": shipping}
        written.answered(
            await client.sale(
                7,
                "EUR",
                paymentMethod={"paymentCard": card},
                order=order,
                merchantTransactionId=REFERENCE,
            )
        )
        found = written.answered(await client.order(REFERENCE))
        assert found["orderId"] == REFERENCE


async def macropay(url: str, sink: WebhookSink, written: Written) -> None:
    async with AsyncMacropayClient(f"{url}/macropay/v2", MACROPAY, headers=HEADERS) as client:
        order = written.answered(
            await client.create_order(
                3,
                "EUR",
                description=written.text("description"),
                concept=written.text("concept"),
                notification_url=sink.url_for("macropay"),
                user_information={"email": "ana@example.com", "name": written.text("user.name")},
                billing_address={"country": "ES", "street": written.text("billing.street")},
            )
        )
        card = MacropayCard(PAYING, written.text("cardHolderName"), 12, 2030, CVV)
        paid = written.answered(await client.pay_with_card(order["orderId"], card))
        written.answered(
            await client.refund(paid["transactionId"], 1, "EUR", written.text("reason"))
        )


async def payworks(url: str, sink: WebhookSink, written: Written) -> None:
    async with (
        AsyncPayworksClient(f"{url}/payworks", PAYWORKS, headers=HEADERS) as client,
        AsyncSandboxAdmin(url, TENANT) as admin,
    ):
        await admin.set_merchant_webhook("payworks", PAYWORKS_MERCHANT, sink.url_for("payworks"))
        session = written.answered(
            await client.register_charge(
                PAYWORKS_MERCHANT,
                "10.00",
                "EUR",
                subject=written.text("subject"),
                custom_identifier=REFERENCE,
            )
        )
        identifier = session["transaction"]["identifier"]
        [payment] = await admin.payments(provider="payworks", reference=identifier)
        await admin.execute(payment["id"], operation_id=identifier, pin="1234")
        found = written.answered(await client.transaction(identifier))
        assert found["customIdentifier"] == REFERENCE


async def paymentz(url: str, sink: WebhookSink, written: Written) -> None:
    async with AsyncPaymentzClient(f"{url}/paymentz", PAYMENTZ, headers=HEADERS) as client:
        card = PaymentzCard(PAYING, 12, 2030, CVV, written.text("card.holder"))
        fields = {
            name: written.text(name)
            for name in (
                "orderDescriptor",
                "customer.givenName",
                "customer.surname",
                "shipping.street1",
                "shipping.city",
            )
        }
        written.answered(
            await client.debit(
                REFERENCE, "4.00", "EUR", card, notification_url=sink.url_for("pz"), **fields
            )
        )
        found = written.answered(await client.inquiry(REFERENCE))
        assert found["merchantTransactionId"] == REFERENCE


CASES = {
    "tranzzo": Case(
        tranzzo,
        kept=frozenset({"description", "customer_fname", "customer_lname", "payload"}),
        echoed=frozenset({"description", "customer_fname", "customer_lname", "payload"}),
        webhooks=1,
    ),
    "fiserv": Case(
        fiserv,
        kept=frozenset(
            {"billing.name", "billing.address.address1", "billing.address.city", "shipping.name"}
        ),
        echoed=frozenset(
            {"billing.name", "billing.address.address1", "billing.address.city", "shipping.name"}
        ),
        webhooks=0,  # the REST API sends no notifications (fiserv.md §1.9)
    ),
    "macropay": Case(
        macropay,
        kept=frozenset(
            {"description", "concept", "user.name", "billing.street", "cardHolderName", "reason"}
        ),
        echoed=frozenset({"description", "concept", "user.name", "billing.street", "reason"}),
        webhooks=2,
        referenced=False,  # Revup names an order by the orderId it generates
    ),
    "payworks": Case(
        payworks, kept=frozenset({"subject"}), echoed=frozenset({"subject"}), webhooks=1
    ),
    "paymentz": Case(
        paymentz,
        kept=frozenset(
            {"orderDescriptor", "customer.givenName", "customer.surname", "card.holder"}
        ),
        echoed=frozenset({"customer.givenName", "customer.surname"}),
        webhooks=1,
    ),
}


@pytest.mark.parametrize("provider", sorted(CASES))
async def test_card_numbers_in_free_text_are_masked_everywhere_and_references_kept(
    provider: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    case = CASES[provider]
    caplog.set_level(logging.DEBUG)
    written = Written()
    folder = tmp_path / "store"
    folder.mkdir()
    database = f"sqlite:///{folder / 'sandbox.db'}"
    # The sink stops first, closing the connections the sandbox keeps open to it.
    with SandboxServer(store=database) as server, WebhookSink() as sink:
        await case.pay(server.url, sink, written)
        deliveries = await sink.received(case.webhooks) if case.webhooks else []
    stored = b"".join(p.read_bytes() for p in folder.iterdir())
    places = {
        "store": stored,
        "log": caplog.text.encode(),
        "answers": json.dumps(written.answers).encode(),
        "webhooks": b"\n".join(readable(d) for d in deliveries),
    }
    assert len(deliveries) == case.webhooks
    for name, (plain, spaced) in written.by_field.items():
        for number in (plain, spaced):
            for form in (number, grouped(number)):
                for place, content in places.items():
                    assert form.encode() not in content, f"{name}: {form} is in the {place}"
            if name in case.kept:
                assert masked(number).encode() in stored, f"{name}: {masked(number)} not kept"
            if name in case.echoed:
                answered = places["answers"]
                assert masked(number).encode() in answered, f"{name}: {masked(number)} not echoed"
    for place, content in places.items():
        assert f"cvv: {CVV}".encode() not in content, f"a security code is in the {place}"
    if case.referenced:  # the merchant's reference, kept exactly (and its order found by it)
        assert REFERENCE.encode() in stored
