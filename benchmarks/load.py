"""A load generator for workloads wrk cannot script: each unit runs one of the project's own
client flows (signed, several requests, answers read) over one aiohttp session.

    python -m benchmarks.load URL WORKLOAD --duration 10 --connections 32

Prints one JSON line: units and requests done, errors, and the units' p50/p99 in microseconds.
It runs in a process of its own, so its CPU is not the server's; it is the same generator for
the baseline, so ratios measured in one run compare like with like.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp

from psp_sandbox.client._transport import Answer, Flow, Request
from psp_sandbox.client.fiserv import Card as FiservCard
from psp_sandbox.client.fiserv import FiservApi, FiservCredentials
from psp_sandbox.client.macropay import Card as MacropayCard
from psp_sandbox.client.macropay import MacropayApi
from psp_sandbox.client.paymentz import Card as PaymentzCard
from psp_sandbox.client.paymentz import PaymentzApi, PaymentzCredentials
from psp_sandbox.client.payworks import PayworksApi, PayworksCredentials
from psp_sandbox.client.sandbox import SandboxAdminApi
from psp_sandbox.client.tranzzo import Card as TranzzoCard
from psp_sandbox.client.tranzzo import TranzzoApi, TranzzoCredentials

#: The sandbox's documented test credentials (docs/providers/*.md).
TRANZZO = TranzzoCredentials(
    "7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b",
    "3b9e2a71-6c4d-4f80-b5e1-9d2c7a8f6e10",
    "psp-sandbox-tranzzo-test-secret1",
    "AIzaSyPspSandboxTranzzoEndpointsKey0001",
)
FISERV = FiservCredentials(
    "PspSandboxFiservDefaultApiKey001", "PspSandboxFiservDefaultApiSecret0000000000000001"
)
MACROPAY = "psp-sandbox-macropay-test-key-0001"
PAYWORKS = PayworksCredentials(
    "6a1d6e2c-0f5b-4a8e-9c3d-7e2f1b4a5c60", "PspSandboxPayworksTestSecret0001"
)
PAYWORKS_MERCHANT = "4b3c5d6e-7f80-4a1b-9c2d-3e4f5a6b7c8d"
PAYMENTZ = PaymentzCredentials("11344", "PspSandboxPaymentzTestSecureKey1")
VISA = "4111111111111111"
CHALLENGE_CARD = "4000000000003220"

#: A unit of work: given a fresh number, the flows to run one after another (a later one may
#: need an earlier one's result, so each is built from what came before).
Unit = Callable[[int], Iterator[tuple[str, Flow[Any]]]]


class Workloads:
    """Every workload by name; ``prefix`` keeps references unique across runs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.tranzzo = TranzzoApi(TRANZZO)
        self.fiserv = FiservApi(FISERV)
        self.macropay = MacropayApi(MACROPAY)
        self.payworks = PayworksApi(PAYWORKS)
        self.admin = SandboxAdminApi()

    def units(self) -> dict[str, Unit]:
        return {
            "baseline": self.baseline,
            "tranzzo": self.tranzzo_purchase,
            "fiserv": self.fiserv_sale,
            "macropay": self.macropay_order_and_pay,
            "payworks": self.payworks_register_and_execute,
            "paymentz": self.paymentz_token_and_payment,
            "ci-mix": self.ci_mix,
        }

    def baseline(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        yield "/", self.tranzzo.purchase(f"{self.prefix}-{n}", 100, "UAH", card=_tranzzo(VISA))

    def tranzzo_purchase(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        yield (
            "/tranzzo",
            self.tranzzo.purchase(f"{self.prefix}-{n}", 100, "UAH", card=_tranzzo(VISA)),
        )

    def fiserv_sale(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        card = FiservCard(VISA, "12", "30")
        yield (
            "/fiserv/gateway/v2",
            self.fiserv.sale("10.00", "EUR", card=card, order_id=f"{self.prefix}-{n}"),
        )

    def macropay_order_and_pay(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        order: dict[str, Any] = {}
        yield "/macropay/v2", _keep(order, self.macropay.create_order("10.00", "EUR"))
        card = MacropayCard(VISA, "Ana Test", 12, 2030, "123")
        yield "/macropay/v2", self.macropay.pay_with_card(order["result"]["orderId"], card)

    def payworks_register_and_execute(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        session: dict[str, Any] = {}
        flow = self.payworks.register_charge(PAYWORKS_MERCHANT, "10.00", "EUR")
        yield "/payworks", _keep(session, flow)
        identifier = session["result"]["transaction"]["identifier"]
        found: dict[str, Any] = {}
        yield "/_sandbox", _keep(found, self.admin.find_payment("payworks", identifier))
        yield "/_sandbox", self.admin.execute(found["result"]["id"], pin="1234")

    def paymentz_token_and_payment(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        api = PaymentzApi(PAYMENTZ)  # a fresh client: every unit buys its token
        yield "/paymentz", api.auth_token()
        card = PaymentzCard(VISA, 12, 2030, "123", "Ana Test")
        yield "/paymentz", api.debit(f"{self.prefix}{n}", "10.00", "EUR", card)

    def ci_mix(self, n: int) -> Iterator[tuple[str, Flow[Any]]]:
        """What a CI suite does: purchase, partial refund, status read; every fifth unit
        starts a 3-D Secure challenge, every fiftieth advances the tenant clock."""
        order = f"{self.prefix}-{n}"
        yield "/tranzzo", self.tranzzo.purchase(order, 100, "UAH", card=_tranzzo(VISA))
        yield "/tranzzo", self.tranzzo.refund(order, "UAH", 30)
        yield "/tranzzo", self.tranzzo.order_status(order)
        if n % 5 == 0:
            challenged = f"{order}-3ds"
            card = _tranzzo(CHALLENGE_CARD)
            yield "/tranzzo", self.tranzzo.purchase(challenged, 100, "UAH", card=card)
        if n % 50 == 0:
            yield "/_sandbox", self.admin.advance_clock(60)


def _tranzzo(number: str) -> TranzzoCard:
    return TranzzoCard(number, 12, 30, "123")


def _keep(into: dict[str, Any], flow: Flow[Any]) -> Flow[Any]:
    """``flow``, its result also kept in ``into["result"]``."""
    into["result"] = yield from flow
    return into["result"]


async def run_flow(
    session: aiohttp.ClientSession, base: str, headers: dict[str, str], flow: Flow[Any]
) -> int:
    """Send ``flow``'s requests in turn; returns how many were sent."""
    sent = 0
    try:
        request: Request = next(flow)
        while True:
            async with session.request(
                request.method,
                base + request.path,
                data=request.body,
                headers={**headers, **request.headers},
                params=request.params,
                allow_redirects=request.follow_redirects,
            ) as response:
                answer = Answer(response.status, response.headers, await response.text())
            sent += 1
            request = flow.send(answer)
    except StopIteration:
        return sent


async def load(url: str, workload: str, duration: float, connections: int) -> dict[str, Any]:
    prefix = f"b{os.getpid()}x{time.time_ns() % 10**9}"
    unit = Workloads(prefix).units()[workload]
    numbers = itertools.count(1)
    latencies: list[float] = []
    counts = {"units": 0, "requests": 0, "errors": 0}
    headers = {"X-Sandbox-Tenant": f"bench-{workload}"} if workload != "baseline" else {}
    deadline = time.perf_counter() + duration

    async def worker(session: aiohttp.ClientSession) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                for mount, flow in unit(next(numbers)):
                    sent = await run_flow(session, url + mount, headers, flow)
                    counts["requests"] += sent
            except Exception:
                counts["errors"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            counts["units"] += 1

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        **counts,
        "duration_us": round(elapsed * 1e6),
        "p50_us": round(cuts[49] * 1e6),
        "p99_us": round(cuts[98] * 1e6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("workload")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    result = asyncio.run(load(args.url, args.workload, args.duration, args.connections))
    print("JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
