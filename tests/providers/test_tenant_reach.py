"""In strict mode a caller's credentials never reach data created under other credentials,
whatever X-Sandbox-Tenant says: the issue's attacks, on every provider, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservApiError, FiservCredentials
from psp_sandbox.client.macropay import AsyncMacropayClient, MacropayApiError
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, TranzzoApiError, TranzzoCredentials
from psp_sandbox.simulator.providers import PROVIDERS
from psp_sandbox.simulator.providers.base import Principal
from psp_sandbox.simulator.services.credentials import Credential
from psp_sandbox.simulator.settings import CredentialConfig
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.documented import operations
from tests.providers.fiserv.conftest import CREDENTIALS as FISERV_DEFAULT
from tests.providers.fiserv.conftest import VISA as FISERV_VISA
from tests.providers.macropay.conftest import API_KEY as MACROPAY_DEFAULT
from tests.providers.macropay.conftest import VISA as MACROPAY_VISA
from tests.providers.tranzzo.conftest import CREDENTIALS as TRANZZO_DEFAULT
from tests.providers.tranzzo.conftest import VISA as TRANZZO_VISA

TOKEN = "tenant-reach-admin-token-0001"
#: The issue's attacker: a configured key of someone else's.
MACROPAY_OTHER = "someone-else-key-000000000001"
FISERV_OTHER = FiservCredentials("SomeoneElseApiKey000000000000001", "someone-else-secret-0000001")
TRANZZO_OTHER = TranzzoCredentials(
    pos_id="aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
    api_key="12345678-1234-4123-8123-123456789012",
    api_secret="someone-else-secret-of-32-chars!",
    endpoints_key="AIzaSomeoneElse",
)


@pytest.fixture(scope="module")
def strict() -> Iterator[SandboxServer]:
    configured = {
        "macropay": [CredentialConfig(key=MACROPAY_OTHER)],
        "fiserv": [CredentialConfig(key=FISERV_OTHER.api_key, secret=FISERV_OTHER.api_secret)],
        "tranzzo": [
            CredentialConfig(
                key=TRANZZO_OTHER.api_key,
                secret=TRANZZO_OTHER.api_secret,
                extra={
                    "pos_id": TRANZZO_OTHER.pos_id,
                    "endpoints_key": TRANZZO_OTHER.endpoints_key,
                },
            )
        ],
    }
    with SandboxServer(auth="strict", credentials=configured, admin_token=TOKEN) as server:
        yield server


def into(tenant: str) -> dict[str, str]:
    return {"X-Sandbox-Tenant": tenant}


async def admin_view(server: SandboxServer, provider: str, reference: str) -> Any:
    async with AsyncSandboxAdmin(server.url, token=TOKEN) as admin:
        return await admin.find_payment(provider, reference)


async def test_a_macropay_key_cannot_read_or_refund_another_keys_transaction(
    strict: SandboxServer,
) -> None:
    url = f"{strict.url}/macropay/v2"
    async with AsyncMacropayClient(url, MACROPAY_DEFAULT) as owner:
        order = await owner.create_order(10, "EUR")
        paid = await owner.pay_with_card(order["orderId"], MACROPAY_VISA)
    transaction = paid["transactionId"]
    async with AsyncMacropayClient(url, MACROPAY_OTHER, headers=into("macropay-default")) as thief:
        with pytest.raises(MacropayApiError) as read:
            await thief.transaction(transaction)
        with pytest.raises(MacropayApiError) as refunded:
            await thief.refund(transaction, 10, "EUR")
    assert (read.value.code, refunded.value.code) == ("0108", "0108")
    async with AsyncMacropayClient(url, MACROPAY_DEFAULT) as owner:
        assert (await owner.transaction(transaction))["transactionStatus"] == "success"
    payment = await admin_view(strict, "macropay", order["orderId"])
    assert (payment["tenant"], payment["refunded"]) == ("macropay-default", 0)


async def test_a_fiserv_key_cannot_read_or_return_another_keys_transaction(
    strict: SandboxServer,
) -> None:
    url = f"{strict.url}/fiserv/gateway/v2"
    async with AsyncFiservClient(url, FISERV_DEFAULT) as owner:
        sale = await owner.sale(12, "EUR", card=FISERV_VISA)
    transaction = sale["ipgTransactionId"]
    async with AsyncFiservClient(url, FISERV_OTHER, headers=into("fiserv-default")) as thief:
        with pytest.raises(FiservApiError) as read:
            await thief.transaction(transaction)
        with pytest.raises(FiservApiError) as returned:
            await thief.return_(transaction, 12, "EUR")
    assert (read.value.status, returned.value.status) == (404, 404)
    async with AsyncFiservClient(url, FISERV_DEFAULT) as owner:
        assert (await owner.transaction(transaction))["transactionState"] == "CAPTURED"


async def test_a_tranzzo_key_cannot_read_or_refund_another_keys_order(
    strict: SandboxServer,
) -> None:
    url = f"{strict.url}/tranzzo"
    async with AsyncTranzzoClient(url, TRANZZO_DEFAULT) as owner:
        paid = await owner.purchase("victims-order", 5, "UAH", card=TRANZZO_VISA)
    async with AsyncTranzzoClient(url, TRANZZO_OTHER, headers=into("tranzzo-default")) as thief:
        with pytest.raises(TranzzoApiError) as read:
            await thief.order_status("victims-order")
        with pytest.raises(TranzzoApiError) as refunded:
            await thief.refund("victims-order", "UAH")
    assert (read.value.status, refunded.value.status) == (404, 404)
    assert (await admin_view(strict, "tranzzo", paid["order_id"]))["refunded"] == 0


async def test_in_strict_mode_the_header_chooses_a_sub_tenant_of_the_callers_own(
    strict: SandboxServer,
) -> None:
    url = f"{strict.url}/macropay/v2"
    async with (
        AsyncMacropayClient(url, MACROPAY_OTHER, headers=into("job-1")) as theirs,
        AsyncMacropayClient(url, MACROPAY_DEFAULT, headers=into("job-1")) as ours,
    ):
        mine = (await theirs.create_order(1, "EUR"))["orderId"]
        other = (await ours.create_order(1, "EUR"))["orderId"]
        assert (await admin_view(strict, "macropay", mine))["tenant"] == f"{MACROPAY_OTHER}/job-1"
        assert (await admin_view(strict, "macropay", other))["tenant"] == "macropay-default/job-1"
        paid = await theirs.pay_with_card(mine, MACROPAY_VISA)
        async with AsyncMacropayClient(
            url, MACROPAY_OTHER, headers=into(f"{MACROPAY_OTHER}/job-1")
        ) as same:
            assert (await same.transaction(paid["transactionId"]))["orderId"] == mine
        with pytest.raises(MacropayApiError) as elsewhere:
            await ours.pay_with_card(mine, MACROPAY_VISA)
        assert elsewhere.value.code == "0108"


@pytest.mark.parametrize("tenant", ["macropay-default/job-1", "macropay-default/x"])
async def test_in_strict_mode_a_sub_tenant_of_other_credentials_is_403(
    strict: SandboxServer, tenant: str
) -> None:
    url = f"{strict.url}/macropay/v2"
    async with AsyncMacropayClient(url, MACROPAY_OTHER, headers=into(tenant)) as thief:
        with pytest.raises(MacropayApiError) as denied:
            await thief.create_order(1, "EUR")
    assert denied.value.status == 403


async def test_in_open_mode_per_test_tenants_still_share_the_test_credentials() -> None:
    with SandboxServer() as server:
        url = f"{server.url}/macropay/v2"
        async with AsyncMacropayClient(url, MACROPAY_DEFAULT, headers=into("t-one")) as one:
            order = (await one.create_order(1, "EUR"))["orderId"]
            paid = await one.pay_with_card(order, MACROPAY_VISA)
        async with AsyncSandboxAdmin(server.url, "t-one") as admin:
            assert [p["reference"] for p in await admin.payments()] == [order]
        async with AsyncMacropayClient(url, MACROPAY_DEFAULT, headers=into("t-one")) as again:
            assert (await again.transaction(paid["transactionId"]))["orderId"] == order


@pytest.mark.parametrize("provider", [p.name for p in PROVIDERS])
def test_every_providers_requests_act_in_the_tenant_the_rule_allows(
    strict: SandboxServer, provider: str
) -> None:
    """Whatever tenant a provider's authentication names, the shared pipeline places the
    request in the one its credential may reach. Seen through faults queued per tenant: the
    sub-tenant's answers 503, the one the header names 502."""
    plugin = strict.context.plugins[provider]
    caller = Credential(provider, "caller-key", None, "caller", configured=True)

    async def names_the_header_tenant(request: Any) -> Principal:
        return Principal("victim", caller)

    operation = next(o for o in operations(type(plugin)) if not o.public)
    with httpx.Client(base_url=strict.url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        for tenant, status in (("caller/victim", 503), ("victim", 502)):
            queued = {"tenant": tenant, "provider": provider, "kind": "error", "status": status}
            assert http.post("/_sandbox/faults", json=queued).status_code == 200
        plugin.authenticate = names_the_header_tenant  # type: ignore[method-assign]
        try:
            answer = http.request(operation.method, operation.url(), headers=into("victim"))
        finally:
            del plugin.authenticate
    assert answer.status_code == 503
