"""The memory store packs each record against a dictionary of what records of its kind hold
(``store/packing.py``): a sample of every provider's records, kept in ``store/samples/``. Here
every provider's primary path runs against a real sandbox, and what it stored must pack well
against the samples — if a record's shape changed, the samples are stale. Write them anew
from what this test stores:

    PSP_SANDBOX_WRITE_SAMPLES=1 .venv/bin/pytest tests/store/test_packing_samples.py
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import aiohttp
import pytest

from benchmarks.load import MACROPAY, PAYMENTZ, PAYWORKS_MERCHANT, VISA, Workloads, run_flow
from psp_sandbox.client.macropay import AsyncMacropayClient
from psp_sandbox.client.macropay import Card as MacropayCard
from psp_sandbox.client.paymentz import AsyncPaymentzClient
from psp_sandbox.client.paymentz import Card as PaymentzCard
from psp_sandbox.client.tranzzo import Card as TranzzoCard
from psp_sandbox.simulator.store import DeliveryFilter, PaymentFilter, SqliteStore
from psp_sandbox.simulator.store.codec import encode_delivery, encode_exchange, encode_payment
from psp_sandbox.simulator.store.packing import DELIVERIES, EXCHANGES, PAYMENTS, SAMPLES, Packer
from psp_sandbox.simulator.testing.server import SandboxServer

PROVIDERS = ("tranzzo", "fiserv", "macropay", "payworks", "paymentz")
#: Packed, a record keeps at most this share of its bytes (against no samples: 0.35-0.45),
#: plus what no two records share (ids, times).
MOST = 0.25
OWN = 64
#: A security code as a request or a webhook writes it, and its value.
CODE = re.compile(r'(?i)(?:cvv|cvc|securityCode)[\\"\s:=]+([^\\"&,}\s]+)')
#: A receiver nobody listens on: each webhook stays pending, and stored.
NOBODY = "http://127.0.0.1:9/webhooks"
#: The providers whose payments send webhooks (Fiserv's do not).
NOTIFYING = ("tranzzo", "macropay", "payworks", "paymentz")


async def records(tmp_path: Path) -> dict[str, list[bytes]]:
    """Every record each provider's primary path stores, and a webhook's delivery of each
    provider that sends them, as the stores encode them."""
    url = f"sqlite:///{tmp_path / 'samples.db'}"
    workloads = Workloads("sample")
    payworks_webhooks = [{"merchant": PAYWORKS_MERCHANT, "url": NOBODY}]
    with SandboxServer(store=url, merchant_webhooks={"payworks": payworks_webhooks}) as server:
        async with aiohttp.ClientSession() as session:
            for provider in PROVIDERS:
                for mount, flow in workloads.units()[provider](1):
                    await run_flow(session, server.url + mount, {}, flow)
            purchase = workloads.tranzzo.purchase(
                "sample-webhook", 100, "UAH", card=TranzzoCard(VISA, 12, 30, "123"),
                server_url=NOBODY,
            )  # fmt: skip
            await run_flow(session, server.url + "/tranzzo", {}, purchase)
        async with AsyncMacropayClient(f"{server.url}/macropay/v2", MACROPAY) as macropay:
            order = await macropay.create_order("10.00", "EUR", notification_url=NOBODY)
            card = MacropayCard(VISA, "Ana Test", 12, 2030, "123")
            await macropay.pay_with_card(order["orderId"], card)
        async with AsyncPaymentzClient(f"{server.url}/paymentz", PAYMENTZ) as paymentz:
            await paymentz.auth_token()
            card = PaymentzCard(VISA, 12, 2030, "123", "Ana Test")
            await paymentz.debit("sample-webhook", "10.00", "EUR", card, notification_url=NOBODY)
    store = SqliteStore(url)
    await store.open()
    try:
        payments = await store.list_payments(PaymentFilter(limit=100))
        exchanges = [e for p in payments for e in await store.list_exchanges(p.id)]
        deliveries = await store.list_deliveries(DeliveryFilter(limit=100))
    finally:
        await store.close()
    return {
        "payments": [encode_payment(p) for p in payments],
        "exchanges": [encode_exchange(e) for e in exchanges],
        "deliveries": [encode_delivery(d) for d in deliveries],
    }


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[bytes]]:
    found = asyncio.run(records(tmp_path_factory.mktemp("samples")))
    if os.environ.get("PSP_SANDBOX_WRITE_SAMPLES"):
        SAMPLES.mkdir(exist_ok=True)
        for kind, encoded in found.items():
            (SAMPLES / f"{kind}.jsonl").write_bytes(b"".join(record + b"\n" for record in encoded))
    return found


@pytest.mark.parametrize(
    ("kind", "packer"),
    [("payments", PAYMENTS), ("exchanges", EXCHANGES), ("deliveries", DELIVERIES)],
)
def test_what_every_provider_stores_packs_well_against_the_samples(
    stored: dict[str, list[bytes]], kind: str, packer: Packer
) -> None:
    providers = {json.loads(record)["tenant"].split("-")[0] for record in stored[kind]}
    assert providers == set(NOTIFYING if kind == "deliveries" else PROVIDERS)
    for record in stored[kind]:
        packed = packer.pack(record)
        assert packer.unpack(packed) == record
        assert len(packed) <= MOST * len(record) + OWN, (
            f"a stored record ({kind}) of {len(record)} bytes packs to {len(packed)}: the samples "
            f"are stale (see this module's docstring)\n{record[:300]!r}"
        )


@pytest.mark.parametrize("kind", ["payments", "exchanges", "deliveries"])
def test_the_samples_hold_no_card_number_or_security_code(kind: str) -> None:
    text = (SAMPLES / f"{kind}.jsonl").read_text()
    assert text.strip()
    assert VISA not in text  # the card every flow paid with
    assert all(code == "***" for code in CODE.findall(text))
