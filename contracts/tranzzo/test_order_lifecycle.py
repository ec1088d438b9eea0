"""Tranzzo's documented order rules, checked by a state machine against any target.

Model (tranzzo.md §2.6, §2.12): a purchase or an auth opens an order; only a successful auth is
captured (once, up to its amount) or voided (whole); refunds apply to a successful purchase or
capture, partial and repeated while their sum stays within the original (captured) amount;
after a void nothing else. Every refused operation answers the documented error shape
``{"message": String(512), "args": {"code": String(16)}}``; every operation that reaches a
final status sends one correctly signed webhook to its server_url.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from psp_sandbox.client import Flow
from psp_sandbox.client.tranzzo import (
    Card,
    TranzzoApiError,
    TranzzoClient,
    TranzzoCredentials,
    decode_webhook,
)
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.testing.sink import WebhookSink

#: Tranzzo's documented test card, with 3-D Secure bypassed so it settles at once.
CARD = Card("4242424242424242", 12, 30, "123")
CURRENCY = "XTS"
_runs = itertools.count(1)


@dataclass
class Order:
    order_id: str
    method: str  # "purchase" or "auth"
    amount: int  # minor units
    captured: int = 0
    refunded: int = 0
    voided: bool = False
    captures: int = 0
    operations: list[tuple[str, int]] = field(default_factory=list)  # (method, amount)

    @property
    def refundable(self) -> int:
        base = self.amount if self.method == "purchase" else self.captured
        return 0 if self.voided else base - self.refunded


def major(minor: int) -> Decimal:
    return Decimal(minor) / 100


amounts = st.integers(min_value=1, max_value=500_000)


class TranzzoOrders(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self, target: Target, credentials: TranzzoCredentials, sink: WebhookSink) -> None:
        super().__init__()
        run = next(_runs)
        self.tenant = target.fresh_tenant("tranzzo")
        self.prefix = f"c{run}-{self.tenant or 'remote'}"[-20:]
        self.client = TranzzoClient(
            target.provider_url("tranzzo"), credentials, headers=target.headers(self.tenant)
        )
        self.api = self.client.api
        self.secret = credentials.api_secret
        # Webhooks reach a local receiver only from a local target.
        self.sink = sink if target.sandbox else None
        self.hook_path = f"/{self.prefix}"
        self.counter = itertools.count(1)
        self.final_operations = 0
        self.last: Order | None = None

    def teardown(self) -> None:
        try:
            if self.sink is not None and self.final_operations:
                delivered = self.sink.wait_for(
                    self.final_operations, 15, lambda d: d.path == self.hook_path
                )
                self.check_webhooks(delivered)
        finally:
            self.client.close()

    # --- plumbing ---------------------------------------------------------------------------

    def call(self, flow: Flow[Any]) -> Any:
        return self.client.run(flow)

    def refused(self, flow: Flow[Any]) -> TranzzoApiError:
        with pytest.raises(TranzzoApiError) as raised:
            self.call(flow)
        error = raised.value
        assert 400 <= error.status < 500
        assert isinstance(error.body["message"], str) and len(error.body["message"]) <= 512
        assert isinstance(error.body["args"]["code"], str) and len(error.body["args"]["code"]) <= 16
        return error

    def server_url(self) -> str | None:
        return self.sink.url_for(self.hook_path) if self.sink else None

    def check_webhooks(self, delivered: list[Any]) -> None:
        seen = set()
        for delivery in delivered:
            operation = decode_webhook(delivery.form, self.secret)  # checks the signature
            assert operation["status"] in ("success", "failure")
            seen.add(operation.get("operation_id") or operation["transaction_id"])
        assert len(seen) == self.final_operations

    # --- rules ------------------------------------------------------------------------------

    @rule(target=orders, method=st.sampled_from(["purchase", "auth"]), amount=amounts)
    def open_order(self, method: str, amount: int) -> Order:
        order = Order(f"{self.prefix}-{next(self.counter)}", method, amount)
        answer = self.call(
            self.api.payment(
                method,
                order.order_id,
                major(amount),
                CURRENCY,
                card=CARD,
                order_3ds_bypass="always",
                server_url=self.server_url(),
            )
        )
        assert (answer["status"], answer["method"]) == ("success", method)
        assert Decimal(str(answer["amount"])) == major(amount)
        order.operations.append((method, amount))
        self.final_operations += 1
        self.last = order
        return order

    @rule(order=orders, share=st.one_of(st.none(), st.integers(1, 120)))
    def capture(self, order: Order, share: int | None) -> None:
        amount = None if share is None else max(1, order.amount * share // 100)
        allowed = (
            order.method == "auth"
            and not order.voided
            and order.captures == 0
            and (amount or order.amount) <= order.amount
        )
        call = self.api.capture(order.order_id, CURRENCY, None if amount is None else major(amount))
        self.last = order
        if not allowed:
            self.refused(call)
            return
        answer = self.call(call)
        taken = amount or order.amount
        assert (answer["method"], answer["status"]) == ("capture", "success")
        assert Decimal(str(answer["amount"])) == major(taken)
        order.captured, order.captures = taken, 1
        order.operations.append(("capture", taken))
        self.final_operations += 1

    @rule(order=orders)
    def void(self, order: Order) -> None:
        allowed = order.method == "auth" and not order.voided and order.captures == 0
        call = self.api.void(order.order_id, CURRENCY)
        self.last = order
        if not allowed:
            self.refused(call)
            return
        answer = self.call(call)
        assert (answer["method"], answer["status"]) == ("void", "success")
        order.voided = True
        order.operations.append(("void", order.amount))
        self.final_operations += 1

    @rule(order=orders, share=st.one_of(st.none(), st.integers(1, 130)))
    def refund(self, order: Order, share: int | None) -> None:
        left = order.refundable
        amount = None if share is None else max(1, max(left, 1) * share // 100)
        allowed = left > 0 and (amount is None or amount <= left)
        call = self.api.refund(order.order_id, CURRENCY, None if amount is None else major(amount))
        self.last = order
        if not allowed:
            self.refused(call)
            return
        answer = self.call(call)
        taken = amount if amount is not None else left
        assert (answer["method"], answer["status"]) == ("refund", "success")
        assert Decimal(str(answer["amount"])) == major(taken)
        order.refunded += taken
        order.operations.append(("refund", taken))
        self.final_operations += 1

    @rule(order=orders)
    def wrong_currency_is_refused(self, order: Order) -> None:
        self.refused(self.api.refund(order.order_id, "EUR", Decimal("0.01")))

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def order_status_agrees_with_the_model(self) -> None:
        order = self.last
        if order is None:
            return
        listed = self.call(self.api.order_status(order.order_id))
        assert [(o["method"], int(major_to_minor(o["amount"]))) for o in listed] == order.operations
        assert all(o["status"] == "success" for o in listed)

    @invariant()
    def refunds_never_exceed_the_original(self) -> None:
        order = self.last
        if order is not None:
            ceiling = order.amount if order.method == "purchase" else order.captured
            assert order.refunded <= ceiling


def major_to_minor(amount: Any) -> int:
    return int(Decimal(str(amount)) * 100)


def test_tranzzo_orders_follow_the_documented_rules(
    target: Target, credentials: TranzzoCredentials, webhook_sink: WebhookSink
) -> None:
    run_state_machine_as_test(
        lambda: TranzzoOrders(target, credentials, webhook_sink),
        settings=target.lifecycle_settings(max_examples=25, steps=20),
    )
