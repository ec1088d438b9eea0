"""Full card numbers (and security codes) are never stored or logged: after payments, tokens,
3-D Secure challenges and webhooks on every provider, neither the SQLite file nor the log holds
one — only BIN and last four (docs/security.md)."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient
from psp_sandbox.client.fiserv import Card as FiservCard
from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.macropay import Card as MacropayCard
from psp_sandbox.client.paymentz import AsyncPaymentzClient
from psp_sandbox.client.paymentz import Card as PaymentzCard
from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from psp_sandbox.client.tranzzo import Card as TranzzoCard
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.macropay.conftest import API_KEY as MACROPAY
from tests.providers.paymentz.conftest import CREDENTIALS as PAYMENTZ
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO

#: Luhn-valid numbers no other test uses, so that finding one means this test stored it.
APPROVED = "4532015112830366"
CHALLENGED = "4000000000003220"
CVV = "739"
SINK = "http://127.0.0.1:9/hooks"


def forms(number: str) -> list[bytes]:
    """The ways a number could sit in a file: plain, spaced, base64 of a JSON string."""
    spaced = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return [number.encode(), spaced.encode(), base64.b64encode(f'"{number}"'.encode())[:-4]]


def everything_in(folder: Path) -> bytes:
    """The database with its WAL and any other file the store wrote."""
    return b"".join(p.read_bytes() for p in folder.iterdir())


async def test_no_full_card_number_reaches_the_store_or_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    database = tmp_path / "sandbox.db"
    with SandboxServer(store=f"sqlite:///{database}") as server:
        async with AsyncTranzzoClient(f"{server.url}/tranzzo", TRANZZO) as tranzzo:
            for number, order in ((APPROVED, "o-1"), (CHALLENGED, "o-2")):
                card = TranzzoCard(number, 12, 30, CVV)
                await tranzzo.purchase(order, 5, "UAH", card=card, server_url=SINK)
        async with AsyncFiservClient(f"{server.url}/fiserv/gateway/v2", FISERV) as fiserv:
            for number in (APPROVED, CHALLENGED):
                await fiserv.sale(7, "EUR", card=FiservCard(number, "12", "30", CVV))
            await fiserv.create_token(FiservCard(APPROVED, "12", "30", CVV))
        async with AsyncMacropayClient(f"{server.url}/macropay/v2", MACROPAY) as macropay:
            for number in (APPROVED, CHALLENGED):
                order = await macropay.create_order(3, "EUR", generate_token=True)
                card = MacropayCard(number, "Ana Test", 12, 2030, CVV)
                await macropay.pay_with_card(order["orderId"], card, as_base64=True)
        async with AsyncPaymentzClient(f"{server.url}/paymentz", PAYMENTZ) as paymentz:
            for number, order in ((APPROVED, "o-1"), (CHALLENGED, "o-2")):
                card = PaymentzCard(number, 12, 2030, CVV, "Ana Test")
                await paymentz.debit(
                    order, "4.00", "EUR", card, notification_url=SINK, create_registration=True
                )
    stored = everything_in(tmp_path)
    assert len(stored) > 10_000  # the payments are there
    logged = caplog.text.encode()
    for number in (APPROVED, CHALLENGED):
        for form in forms(number):
            assert form not in stored, f"{form!r} is in the store"
            assert form not in logged, f"{form!r} is in the log"
    assert number[:6].encode() in stored and number[-4:].encode() in stored
