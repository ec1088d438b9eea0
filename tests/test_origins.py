"""Links the sandbox hands out (302 Location, user_action_url, ACS and checkout links) never
point at a host a client merely claimed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from psp_sandbox.client.tranzzo import TranzzoApi
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.tranzzo.conftest import CREDENTIALS, card

CHALLENGE = card("4000000000003220")
_orders = itertools.count(1)


def tranzzo_payment(url: str, headers: dict[str, str], **fields: Any) -> httpx.Response:
    """A Tranzzo payment sent raw, so that its Host and X-Forwarded-* are the test's own."""
    flow = TranzzoApi(CREDENTIALS).purchase(f"origin-{next(_orders)}", 5, "UAH", **fields)
    request = next(flow)
    return httpx.request(
        request.method,
        f"{url}/tranzzo{request.path}",
        content=request.body,
        # No Accept: application/json, so that a hosted payment answers its 302.
        headers={**request.headers, "Accept": "*/*", **headers},
    )


def hosted_location(url: str, headers: dict[str, str]) -> str:
    answer = tranzzo_payment(url, headers, mode="hosted")
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def challenge_link(url: str, headers: dict[str, str]) -> str:
    answer = tranzzo_payment(url, headers, card=CHALLENGE)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["user_action_url"])


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8480", "127.0.0.1@evil.example"])
def test_a_claimed_host_never_makes_the_links(sandbox: Sandbox, host: str) -> None:
    headers = {**sandbox.headers, "Host": host}
    for link in (
        hosted_location(sandbox.url, headers),
        challenge_link(sandbox.url, headers),
    ):
        assert link.startswith(sandbox.url + "/_sandbox/"), link


def test_forwarded_headers_are_ignored_unless_trusted(sandbox: Sandbox) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    link = hosted_location(sandbox.url, {**sandbox.headers, **forwarded})
    assert link.startswith(sandbox.url + "/_sandbox/checkout/")


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.10", "[::1]"])
def test_a_loopback_host_is_kept_with_its_port(sandbox: Sandbox, host: str) -> None:
    port = sandbox.url.rpartition(":")[2]
    headers = {**sandbox.headers, "Host": f"{host}:{port}"}
    link = hosted_location(sandbox.url, headers)
    assert link.startswith(f"http://{host}:{port}/_sandbox/checkout/")


@pytest.fixture(scope="module")
def behind_a_proxy() -> Iterator[SandboxServer]:
    with SandboxServer(
        allowed_hosts=["sandbox.internal", "payments.example:8443"],
        trust_forwarded_headers=True,
    ) as server:
        yield server


@pytest.mark.parametrize(
    ("sent", "origin"),
    [
        ({"Host": "sandbox.internal:9000"}, "http://sandbox.internal:9000"),
        ({"Host": "payments.example:8443"}, "http://payments.example:8443"),
        (
            {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "payments.example:8443"},
            "https://payments.example:8443",
        ),
        (
            {"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "sandbox.internal, x"},
            "https://sandbox.internal",
        ),
    ],
)
def test_configured_hosts_and_trusted_forwarded_headers_make_the_links(
    behind_a_proxy: SandboxServer, sent: dict[str, str], origin: str
) -> None:
    headers = {"X-Sandbox-Tenant": "proxy", **sent}
    link = hosted_location(behind_a_proxy.url, headers)
    assert link.startswith(origin + "/_sandbox/checkout/"), link


@pytest.mark.parametrize(
    "sent",
    [
        {"Host": "payments.example:9999"},
        {"X-Forwarded-Host": "evil.example"},
        {"X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "sandbox.internal"},
    ],
)
def test_unlisted_hosts_stay_out_even_behind_a_trusted_proxy(
    behind_a_proxy: SandboxServer, sent: dict[str, str]
) -> None:
    headers = {"X-Sandbox-Tenant": "proxy", **sent}
    link = hosted_location(behind_a_proxy.url, headers)
    assert "evil" not in link and "9999" not in link and not link.startswith("javascript")
    assert link.startswith(("http://127.0.0.1:", "http://sandbox.internal/")), link


def test_a_public_url_makes_every_link() -> None:
    with SandboxServer(public_url="https://sandbox.example.com/psp/") as server:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Host": "evil.example"}
        assert hosted_location(server.url, headers).startswith(
            "https://sandbox.example.com/psp/_sandbox/checkout/"
        )
        assert challenge_link(server.url, headers).startswith(
            "https://sandbox.example.com/psp/_sandbox/acs/"
        )
