"""One implementation of each call, sent blocking or awaiting: both faces answer alike."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from psp_sandbox.client import Answer, Flow, Request
from psp_sandbox.client.sandbox import AsyncSandboxAdmin, SandboxAdmin, SandboxTransportError
from psp_sandbox.client.tranzzo import (
    AsyncTranzzoClient,
    TranzzoClient,
    TranzzoNotFound,
    TranzzoTransportError,
)
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.process import free_port
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA


def test_the_blocking_client_needs_no_event_loop(sandbox: Sandbox) -> None:
    with TranzzoClient(sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers) as c:
        paid = c.purchase("sync-1", 10, "UAH", card=VISA, order_3ds_bypass="always")
        refunded = c.refund("sync-1", "UAH", 4)
        listed = c.order_status("sync-1")
    assert (paid["status"], refunded["status"]) == ("success", "success")
    assert [o["method"] for o in listed] == ["purchase", "refund"]


async def test_both_faces_run_the_same_calls_to_the_same_answers(sandbox: Sandbox) -> None:
    url, headers = sandbox.base_url("tranzzo"), sandbox.headers
    async with AsyncTranzzoClient(url, CREDENTIALS, headers=headers) as c:
        await c.purchase("same-1", 10, "UAH", card=VISA, order_3ds_bypass="always")
        awaited = await c.order_status("same-1")
    with TranzzoClient(url, CREDENTIALS, headers=headers) as c:
        blocked = c.order_status("same-1")
    assert awaited == blocked


def test_errors_are_the_providers_own_in_both_faces(sandbox: Sandbox) -> None:
    with (
        TranzzoClient(sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers) as c,
        pytest.raises(TranzzoNotFound) as missing,
    ):
        c.order_status("never-made")
    assert missing.value.status == 404


async def test_no_answer_is_the_clients_transport_error_with_its_cause() -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TranzzoTransportError) as raised:
        TranzzoClient(nowhere, CREDENTIALS).health()
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    async with AsyncSandboxAdmin(nowhere) as admin:
        with pytest.raises(SandboxTransportError):
            await admin.health()


def _two_requests(tenant: str) -> Flow[tuple[int, Any]]:
    """A flow of two requests, composed of another with ``yield from``."""
    health: Answer = yield Request("GET", "/health")
    found = yield from SandboxAdmin("http://unused", tenant).api.payments(limit=1)
    return health.status, found


async def test_flows_compose_and_run_alike_in_both_faces(sandbox: Sandbox) -> None:
    with SandboxAdmin(sandbox.url, sandbox.tenant) as admin:
        assert admin.run(_two_requests(sandbox.tenant)) == (200, [])
    async with AsyncSandboxAdmin(sandbox.url, sandbox.tenant) as admin:
        assert await admin.run(_two_requests(sandbox.tenant)) == (200, [])


def _returns_a_flow() -> Flow[Any]:
    yield Request("GET", "/health")
    return _two_requests("t")


def test_a_flow_that_returns_a_flow_instead_of_running_it_is_refused(sandbox: Sandbox) -> None:
    with SandboxAdmin(sandbox.url) as admin, pytest.raises(TypeError, match="yield from"):
        admin.run(_returns_a_flow())


def test_a_lent_http_client_is_left_open(sandbox: Sandbox) -> None:
    with httpx.Client() as http:
        with SandboxAdmin(sandbox.url, http=http) as admin:
            assert admin.health()["status"] == "ok"
        assert not http.is_closed
    assert http.is_closed


def test_the_clients_keep_the_signature_of_their_calls() -> None:
    assert TranzzoClient.refund.__name__ == "refund"
    assert TranzzoClient.refund.__doc__ == AsyncTranzzoClient.refund.__doc__
    assert "whole payment" in (TranzzoClient.refund.__doc__ or "")
