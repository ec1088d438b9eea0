"""Macropay's documented rules, checked by a state machine against a target.

Model (macropay.md §2.2 to 2.9, seed 002): an order lives one hour and is paid at most once
(then ``0906``; unknown or expired ``0108``); a payment answers 200 with ``success``,
``failed``, ``in_process`` or ``waiting_user_interaction``, and moves only along the documented
paths (in_process → success | failed | waiting_user_interaction; waiting_user_interaction →
in_process | success | failed; success and failed are final); refunds apply to a successful
payment, in its currency (``0307``), and their sum never exceeds the paid amount (``0207``);
an initial recurrence with ``generateToken`` yields a token for recurring charges until a
final one closes the chain (``0150``). Every status a transaction reaches is notified, every
final one at least once, in the documented notification format.

Card payments use the sandbox's card form (Revup's SDK ciphers the card), so the suite runs
against psp-sandbox targets; the clock, challenges and the token come from its admin API and
its transaction inquiry.
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
    precondition,
    rule,
    run_state_machine_as_test,
)

from psp_sandbox.client import Flow
from psp_sandbox.client.macropay import (
    ERRORS,
    FINAL_STATUSES,
    PAY_MESSAGES,
    Card,
    MacropayApiError,
    MacropayClient,
    parse_notification,
)
from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import base_url

CURRENCY = "EUR"
ORDER_LIFETIME = 3600
PENDING_DELAY = 5

#: The documented moves between transaction statuses (staying put is always allowed).
PATHS: dict[str, set[str]] = {
    "in_process": {"success", "failed", "waiting_user_interaction"},
    "waiting_user_interaction": {"in_process", "success", "failed"},
    "success": set(),
    "failed": set(),
}

#: Cards of the sandbox's neutral magic table: (number, first status, final status).
CARDS = {
    "approve": ("4111111111111111", "success", "success"),
    "decline": ("4000000000000002", "failed", "failed"),
    "pending_approve": ("4000000000000259", "in_process", "success"),
    "pending_decline": ("4000000000000267", "in_process", "failed"),
    "challenge": ("4000000000003220", "waiting_user_interaction", None),
}
_runs = itertools.count(1)


@dataclass
class Order:
    order_id: str
    amount: int  # minor units
    created_at: int  # seconds on the model clock
    paid: bool = False


@dataclass
class Txn:
    transaction_id: str
    order: Order
    kind: str  # payment | refund
    amount: int
    statuses: list[str] = field(default_factory=list)
    #: For payments in process: when (model clock) and into what they resolve.
    resolves_at: int | None = None
    resolves_to: str | None = None
    refunded: int = 0

    @property
    def status(self) -> str:
        return self.statuses[-1]


@dataclass
class ChainModel:
    parent: str
    token: str
    closed: bool = False


def major(minor: int) -> Decimal:
    return Decimal(minor) / 100


class MacropayOrders(RuleBasedStateMachine):
    orders = Bundle("orders")
    payments = Bundle("payments")
    chains = Bundle("chains")

    def __init__(self, target: Target, api_key: str, sink: WebhookSink) -> None:
        super().__init__()
        self.tenant = target.fresh_tenant("macropay")
        self.client = MacropayClient(
            base_url(target) + "/v2", api_key, headers=target.headers(self.tenant)
        )
        self.api = self.client.api
        self.admin: SandboxAdmin | None = target.admin(self.tenant)
        self.sink = sink
        self.hook_path = f"/macropay-{next(_runs)}-{self.tenant}"
        self.now = 0
        self.txns: dict[str, Txn] = {}

    def teardown(self) -> None:
        try:
            self.check_notifications()
        finally:
            self.client.close()
            if self.admin is not None:
                self.admin.close()

    # --- plumbing ---------------------------------------------------------------------------

    def call(self, flow: Flow[Any]) -> Any:
        return self.client.run(flow)

    def refused(self, flow: Flow[Any], *codes: str) -> None:
        with pytest.raises(MacropayApiError) as raised:
            self.call(flow)
        error = raised.value
        assert error.status == 400, error
        assert error.body == {
            "transactionStatus": "failed",
            "error": {"code": error.code, "message": ERRORS[str(error.code)]},
        }
        assert error.code in codes, f"{error.code} not in {codes}"

    def observe(self, txn: Txn, status: str) -> None:
        if status != txn.status:
            assert status in PATHS[txn.status], f"{txn.status} -> {status} is not documented"
            txn.statuses.append(status)

    def new_txn(
        self, transaction_id: str, order: Order, kind: str, amount: int, status: str
    ) -> Txn:
        assert transaction_id not in self.txns
        txn = Txn(transaction_id, order, kind, amount, [status])
        self.txns[transaction_id] = txn
        return txn

    # --- orders and payments ----------------------------------------------------------------

    @rule(target=orders, amount=st.integers(min_value=1, max_value=100_000))
    def create_order(self, amount: int) -> Order:
        answer = self.call(
            self.api.create_order(
                major(amount), CURRENCY, notification_url=self.sink.url_for(self.hook_path)
            )
        )
        assert answer["money"]["currency"] == CURRENCY
        assert Decimal(str(answer["money"]["amount"])) == major(amount)
        return Order(answer["orderId"], amount, self.now)

    @rule(target=payments, order=orders, kind=st.sampled_from(sorted(CARDS)))
    def pay(self, order: Order, kind: str) -> Txn | Any:
        from hypothesis.stateful import multiple

        number, first, final = CARDS[kind]
        call = self.api.pay_with_card(order.order_id, Card(number, "Ana Test", 12, 2030, "123"))
        if order.paid:
            self.refused(call, "0906")
            return multiple()
        if self.now >= order.created_at + ORDER_LIFETIME:
            self.refused(call, "0108")
            return multiple()
        answer = self.call(call)
        order.paid = True
        assert answer["transactionStatus"] == first
        assert answer["message"] == PAY_MESSAGES[first]
        txn = self.new_txn(answer["transactionId"], order, "payment", order.amount, first)
        if first == "in_process":
            txn.resolves_at, txn.resolves_to = self.now + PENDING_DELAY, final
        if first == "waiting_user_interaction":
            assert answer["action"]["url"] and answer["version"] == 2
        return txn

    @precondition(lambda self: self.admin is not None)
    @rule(payment=payments, approve=st.booleans())
    def finish_challenge(self, payment: Txn, approve: bool) -> None:
        if payment.status != "waiting_user_interaction":
            return
        assert self.admin is not None
        found = self.admin.find_payment("macropay", payment.order.order_id)
        self.admin.complete_challenge(found["id"], "approve" if approve else "decline")
        self.observe(payment, "success" if approve else "failed")

    @precondition(lambda self: self.admin is not None)
    @rule(seconds=st.sampled_from([1, PENDING_DELAY, 600, ORDER_LIFETIME]))
    def let_time_pass(self, seconds: int) -> None:
        assert self.admin is not None
        self.admin.advance_clock(seconds)
        self.now += seconds
        for txn in self.txns.values():
            if txn.resolves_at is not None and txn.resolves_at <= self.now:
                assert txn.resolves_to is not None
                self.observe(txn, txn.resolves_to)
                txn.resolves_at = None

    # --- refunds ----------------------------------------------------------------------------

    @rule(
        payment=payments,
        share=st.one_of(st.just(100), st.integers(1, 130)),
        other_currency=st.sampled_from([False, False, False, True]),
    )
    def refund(self, payment: Txn, share: int, other_currency: bool) -> None:
        left = payment.amount - payment.refunded
        amount = max(1, max(left, 1) * share // 100)
        currency = "USD" if other_currency else CURRENCY
        call = self.api.refund(payment.transaction_id, major(amount), currency)
        refundable = payment.status == "success" and amount <= left
        if other_currency or not refundable:
            # Where both are wrong, which error wins is not documented.
            codes = ("0307",) if refundable else ("0207", "0307") if other_currency else ("0207",)
            self.refused(call, *codes)
            return
        answer = self.call(call)
        assert answer["transactionStatus"] == "success"
        assert Decimal(str(answer["money"]["amount"])) == major(amount)
        assert Decimal(str(answer["operationResult"]["chargedAmount"]["amount"])) == major(amount)
        payment.refunded += amount
        self.new_txn(answer["transactionId"], payment.order, "refund", amount, "success")

    @rule(payment=payments, extra=st.integers(1, 1000))
    def refund_more_than_is_left(self, payment: Txn, extra: int) -> None:
        left = payment.amount - payment.refunded
        self.refused(self.api.refund(payment.transaction_id, major(left + extra), CURRENCY), "0207")

    @rule(order=orders)
    def pay_again(self, order: Order) -> None:
        """A second payment of a used order is refused, whatever the card."""
        if order.paid:
            card = Card(*_VISA)
            self.refused(self.api.pay_with_card(order.order_id, card), "0906")

    # --- recurrences ------------------------------------------------------------------------

    @precondition(lambda self: self.admin is not None)
    @rule(target=chains, min_amount=st.integers(1, 5000))
    def start_recurrence(self, min_amount: int) -> ChainModel:
        answer = self.call(
            self.api.create_order(
                major(min_amount),
                CURRENCY,
                sequence="initial",
                generate_token=True,
                notification_url=self.sink.url_for(self.hook_path),
            )
        )
        order = Order(answer["orderId"], min_amount, self.now, paid=True)
        paid = self.call(self.api.pay_with_card(order.order_id, Card(*_VISA)))
        assert paid["transactionStatus"] == "success"
        self.new_txn(paid["transactionId"], order, "payment", min_amount, "success")
        token = self.call(self.api.transaction(paid["transactionId"]))["tokenId"]
        return ChainModel(paid["transactionId"], token)

    @rule(chain=chains, step=st.sampled_from(["recurring", "recurring", "final"]))
    def charge_recurrence(self, chain: ChainModel, step: str) -> None:
        answer = self.call(
            self.api.create_order(
                "1.00",
                CURRENCY,
                sequence=step,  # type: ignore[arg-type]
                parent_transaction_id=chain.parent,
                notification_url=self.sink.url_for(self.hook_path),
            )
        )
        call = self.api.pay_with_token(answer["orderId"], chain.token)
        if chain.closed:
            self.refused(call, "0150")
            return
        paid = self.call(call)
        assert paid["transactionStatus"] == "success"
        order = Order(answer["orderId"], 100, self.now, paid=True)
        self.new_txn(paid["transactionId"], order, "payment", 100, "success")
        chain.closed = step == "final"

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def refunds_never_exceed_the_paid_amount(self) -> None:
        for txn in self.txns.values():
            assert 0 <= txn.refunded <= txn.amount

    @invariant()
    def the_target_reports_what_the_model_expects(self) -> None:
        if self.admin is None or not self.txns:
            return
        latest = list(self.txns.values())[-3:]
        for txn in latest:
            found = self.call(self.api.transaction(txn.transaction_id))
            self.observe(txn, found["transactionStatus"])
            assert found["transactionStatus"] == txn.status
            assert found["orderId"] == txn.order.order_id
            if txn.kind == "payment":
                refunded = Decimal(str(found["refundedMoney"]["amount"]))
                assert refunded == major(txn.refunded) <= major(txn.amount)

    def check_notifications(self) -> None:
        """Every status a transaction reached was notified; finals at least once, in order."""
        expected = {t.transaction_id: t for t in self.txns.values()}
        wanted = sum(len(t.statuses) for t in expected.values())
        if not wanted:
            return
        delivered = self.sink.wait_for(wanted, 15, lambda d: d.path == self.hook_path)
        seen: dict[str, list[str]] = {}
        for delivery in delivered:
            note = parse_notification(delivery.body)
            txn = expected[note["transactionId"]]
            assert note["orderId"] == txn.order.order_id
            assert note["transactionType"] == txn.kind
            assert Decimal(str(note["money"]["amount"])) == major(txn.amount)
            seen.setdefault(txn.transaction_id, []).append(note["transactionStatus"])
        for txn in expected.values():
            notified = seen.get(txn.transaction_id, [])
            assert set(txn.statuses) <= set(notified), (txn.statuses, notified)
            for old, new in itertools.pairwise(dict.fromkeys(notified)):
                assert new in PATHS[old], f"notified {old} -> {new}"
            if txn.status in FINAL_STATUSES:
                assert txn.status in notified


_VISA = ("4111111111111111", "Ana Test", 12, 2030, "123")


def test_macropay_orders_follow_the_documented_rules(
    target: Target, api_key: str, webhook_sink: WebhookSink
) -> None:
    if not target.sandbox:
        pytest.skip("card payments need psp-sandbox's card form (Revup takes ciphered blobs)")
    run_state_machine_as_test(
        lambda: MacropayOrders(target, api_key, webhook_sink),
        settings=target.lifecycle_settings(max_examples=60, steps=25),
    )
