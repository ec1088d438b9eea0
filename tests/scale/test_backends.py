"""A slice of every provider's behaviour and of the admin API, on each store backend:
memory, SQLite and PostgreSQL answer alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservApiError
from psp_sandbox.client.macropay import AsyncMacropayClient, MacropayApiError
from psp_sandbox.client.paymentz import AsyncPaymentzClient, PaymentzApiError
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError
from psp_sandbox.simulator.testing.server import SandboxServer
from psp_sandbox.simulator.testing.sink import WebhookSink
from tests.providers.fiserv.conftest import BASE as FISERV_BASE
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV
from tests.providers.fiserv.conftest import VISA as FISERV_VISA
from tests.providers.macropay.conftest import API_KEY as MACROPAY
from tests.providers.macropay.conftest import VISA as MACROPAY_VISA
from tests.providers.paymentz.conftest import CREDENTIALS as PAYMENTZ
from tests.providers.paymentz.conftest import VISA as PAYMENTZ_VISA
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO
from tests.providers.tranzzo.conftest import VISA as TRANZZO_VISA
from tests.waiting import attempts_recorded

pytestmark = pytest.mark.xdist_group("scale-backends")


@pytest.fixture(scope="module", params=["memory", "sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxServer]:
    if request.param == "memory":
        store = "memory://"
    elif request.param == "sqlite":
        store = f"sqlite:///{tmp_path_factory.mktemp('backend')}/sandbox.db"
    else:
        store = request.getfixturevalue("postgres").fresh_database()
    with SandboxServer(store=store, poll_interval=0.05) as running:
        yield running


def tenant_of(request: pytest.FixtureRequest) -> dict[str, str]:
    return {"X-Sandbox-Tenant": request.node.name.replace("[", "-").rstrip("]")[-64:]}


async def test_tranzzo_purchase_refunds_and_webhook_retry(
    server: SandboxServer, request: pytest.FixtureRequest, webhook_sink: WebhookSink
) -> None:
    headers = tenant_of(request)
    webhook_sink.respond_with(500)
    async with (
        AsyncTranzzoClient(f"{server.url}/tranzzo", TRANZZO, headers=headers) as tranzzo,
        AsyncSandboxAdmin(server.url, headers["X-Sandbox-Tenant"]) as admin,
    ):
        paid = await tranzzo.purchase(
            "o-1", "10.00", "UAH", card=TRANZZO_VISA, server_url=webhook_sink.url_for()
        )
        assert (await tranzzo.refund("o-1", "UAH", "4.00"))["status"] == "success"
        with pytest.raises(TranzzoApiError) as refused:
            await tranzzo.refund("o-1", "UAH", "7.00")
        assert (refused.value.status, refused.value.code) == (400, "P-411")
        await attempts_recorded(admin, paid["payment_id"], 1)
        assert (await admin.advance_clock(10))["webhooks_attempted"] >= 1
        stored = await admin.payment(paid["payment_id"])
        assert (stored["captured"], stored["refunded"]) == (1000, 400)
        first = next(h for h in stored["webhooks"] if h["attempts"][0]["status"] == 500)
        assert [a["status"] for a in first["attempts"]] == [500, 200]


async def test_fiserv_preauth_capture_and_a_repeated_client_request_id(
    server: SandboxServer, request: pytest.FixtureRequest
) -> None:
    headers = tenant_of(request)
    url = server.url + "/fiserv" + FISERV_BASE
    async with AsyncFiservClient(url, FISERV, headers=headers) as fiserv:
        held = await fiserv.preauth("10.00", "EUR", card=FISERV_VISA)
        captured = await fiserv.postauth(held["ipgTransactionId"], "6.00", "EUR")
        assert captured["transactionStatus"] == "APPROVED"
        with pytest.raises(FiservApiError):
            await fiserv.postauth(held["ipgTransactionId"], "6.00", "EUR")
        body = {
            "requestType": "PaymentCardSaleTransaction",
            "transactionAmount": {"total": "1.00", "currency": "EUR"},
            "paymentMethod": {"paymentCard": FISERV_VISA.as_json()},
        }
        once = await fiserv.send("POST", "/payments", body, client_request_id="cid-1")
        again = await fiserv.send("POST", "/payments", body, client_request_id="cid-1")
        assert once == again


async def test_macropay_order_is_paid_once_then_refunded(
    server: SandboxServer, request: pytest.FixtureRequest
) -> None:
    headers = tenant_of(request)
    async with AsyncMacropayClient(f"{server.url}/macropay/v2", MACROPAY, headers=headers) as m:
        order = (await m.create_order("10.00", "EUR"))["orderId"]
        paid = await m.pay_with_card(order, MACROPAY_VISA)
        assert paid["transactionStatus"] == "success"
        with pytest.raises(MacropayApiError) as refused:
            await m.pay_with_card(order, MACROPAY_VISA)
        assert refused.value.body["error"]["code"] == "0906"
        refund = await m.refund(paid["transactionId"], "10.00", "EUR")
        assert refund["transactionStatus"] == "success"


async def test_paymentz_debit_is_refunded_once(
    server: SandboxServer, request: pytest.FixtureRequest
) -> None:
    headers = tenant_of(request)
    async with AsyncPaymentzClient(f"{server.url}/paymentz", PAYMENTZ, headers=headers) as pz:
        paid = await pz.debit("o-1", "50.00", "EUR", PAYMENTZ_VISA)
        assert paid["transactionStatus"] == "Y"
        assert (await pz.refund(paid["paymentId"], "20.00"))["transactionStatus"] == "Y"
        with pytest.raises(PaymentzApiError) as refused:
            await pz.refund(paid["paymentId"], "10.00")
        assert (refused.value.status, refused.value.code) == (409, "13005")
        assert (await pz.inquire(paid["paymentId"]))["refundedAmount"] == "20.00"


async def test_queued_outcomes_faults_clock_and_reset_through_the_admin_api(
    server: SandboxServer, request: pytest.FixtureRequest
) -> None:
    headers = tenant_of(request)
    tenant = headers["X-Sandbox-Tenant"]
    async with (
        AsyncTranzzoClient(f"{server.url}/tranzzo", TRANZZO, headers=headers) as tranzzo,
        AsyncSandboxAdmin(server.url, tenant) as admin,
    ):
        await admin.queue_outcome("declined", count=1)
        await admin.inject_fault("error", provider="tranzzo", operation="refund", status=503)
        declined = await tranzzo.purchase("o-1", 1, "UAH", card=TRANZZO_VISA)
        assert declined["status"] == "failure"
        await tranzzo.purchase("o-2", 1, "UAH", card=TRANZZO_VISA)
        with pytest.raises(TranzzoApiError) as faulted:
            await tranzzo.refund("o-2", "UAH", 1)
        assert faulted.value.status == 503
        assert (await tranzzo.refund("o-2", "UAH", 1))["status"] == "success"
        assert (await admin.advance_clock(30))["offset_seconds"] == 30
        assert len(await admin.payments()) == 2
        await admin.reset()
        assert await admin.payments() == []
        assert (await admin.clock())["offset_seconds"] == 0
