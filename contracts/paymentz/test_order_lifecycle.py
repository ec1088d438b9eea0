"""Paymentz's documented rules, checked by a state machine against a target through the client.

Model (paymentz.md §3.3 to 3.7, seed 001): a merchantTransactionId is used once (13001); DB
debits, PA preauthorizes; CP captures a preauth once, fully or in part, within what is
authorized; RV cancels an uncaptured preauth, only in full; RF refunds a debited or captured
payment, within what was captured, once per transaction; PO pays out. Statuses move along the
documented transition model, short and long agreeing; every final result is called back with a
valid checksum; an AuthToken is good for one hour, after which the gateway refuses it (the
client buys a new one).

Cards, the clock, challenges and callbacks to a local receiver come from psp-sandbox's magic
table and admin API, so those rules run against psp-sandbox targets; the rest runs anywhere.
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

from psp_sandbox.client import Flow, Request
from psp_sandbox.client.paymentz import (
    LONG_STATUSES,
    Card,
    PaymentzApiError,
    PaymentzClient,
    PaymentzCredentials,
    checksum,
    parse_callback,
)
from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import base_url

CURRENCY = "EUR"
TOKEN_LIFETIME = 3600
PENDING_DELAY = 5

#: Cards of the sandbox's magic tables: the short status they answer, and what follows.
CARDS = {
    "approve": ("4111110000000021", "Y", None),
    "decline": ("4000000000000002", "N", None),
    "pending_approve": ("4000000000000259", "P", "Y"),
    "pending_decline": ("4000000000000267", "P", "N"),
    "challenge": ("4000000000003220", "3D", None),
}
#: The long statuses a transaction may show, by (kind, model state).
LONG: dict[tuple[str, str], set[str]] = {
    ("DB", "P"): {"authstarted"},
    ("PA", "P"): {"authstarted"},
    ("PO", "P"): {"payoutstarted"},
    ("DB", "3D"): {"authstarted"},
    ("PA", "3D"): {"authstarted"},
    ("DB", "Y"): {"capturesuccess", "settled"},
    ("PA", "Y"): {"authsuccessful"},
    ("PA", "captured"): {"capturesuccess", "settled"},
    ("PO", "Y"): {"payoutsuccessful"},
    ("DB", "N"): {"authfailed"},
    ("PA", "N"): {"authfailed"},
    ("PO", "N"): {"payoutfailed"},
    ("PA", "C"): {"cancelled"},
    ("DB", "refunded"): {"reversed"},
    ("PA", "refunded"): {"reversed"},
}
_runs = itertools.count(1)


@dataclass
class Txn:
    reference: str
    payment_id: str
    kind: str  # DB, PA, PO
    amount: int  # minor units
    state: str  # P, 3D, Y, N, C, captured, refunded
    captured: int = 0
    refunds: int = 0
    refunded: int = 0
    resolves_at: int | None = None
    resolves_to: str | None = None
    history: list[str] = field(default_factory=list)


def major(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


class PaymentzTransactions(RuleBasedStateMachine):
    payments = Bundle("payments")

    def __init__(self, target: Target, credentials: PaymentzCredentials, sink: WebhookSink) -> None:
        super().__init__()
        self.tenant = target.fresh_tenant("paymentz")
        self.encoding = "form" if next(_runs) % 2 else "json"
        self.client = PaymentzClient(
            base_url(target),
            credentials,
            encoding=self.encoding,  # type: ignore[arg-type]
            accept="xml" if self.encoding == "json" else "json",
            headers=target.headers(self.tenant),
        )
        self.api = self.client.api
        self.credentials = credentials
        self.admin: SandboxAdmin | None = target.admin(self.tenant)
        self.sink = sink
        self.hook_path = f"/paymentz-{self.tenant}-{next(_runs)}"
        self.now = 0
        self.token_bought_at: int | None = None
        self.references = itertools.count(1)
        self.txns: dict[str, Txn] = {}
        #: Every final result called back: (merchantTransactionId, paymentType, status).
        self.results: list[tuple[str, str, str]] = []

    def teardown(self) -> None:
        try:
            self.check_callbacks()
        finally:
            self.client.close()
            if self.admin is not None:
                self.admin.close()

    # --- plumbing ---------------------------------------------------------------------------

    def call(self, flow: Flow[Any]) -> Any:
        answer = self.client.run(flow)
        if self.token_bought_at is None:
            self.token_bought_at = self.now
        return answer

    def refused(self, flow: Flow[Any], status: int, code: str) -> None:
        with pytest.raises(PaymentzApiError) as raised:
            self.call(flow)
        assert (raised.value.status, raised.value.code) == (status, code), raised.value

    def notify(self) -> dict[str, str]:
        return {"notificationUrl": self.sink.url_for(self.hook_path)} if self.admin else {}

    def reference(self, prefix: str) -> str:
        return f"{prefix}-{next(self.references)}"

    def settle(self, txn: Txn, short: str) -> None:
        txn.state = short
        txn.history.append(short)
        if short in ("Y", "N", "C"):
            self.results.append((txn.reference, txn.kind, short))

    # --- payments ---------------------------------------------------------------------------

    @rule(
        target=payments,
        kind=st.sampled_from(["DB", "PA"]),
        card=st.sampled_from(sorted(CARDS)),
        amount=st.integers(100, 100_000),
    )
    def pay(self, kind: str, card: str, amount: int) -> Txn:
        number, first, then = CARDS[card] if self.admin else CARDS["approve"]
        reference = self.reference(kind)
        flow = self.api.payment(
            kind,  # type: ignore[arg-type]
            reference,
            major(amount),
            CURRENCY,
            Card(number, 12, 2030, "123", "Ana Test"),
            **self.notify(),
        )
        answer = self.call(flow)
        assert (answer["transactionStatus"], answer["amount"]) == (first, major(amount))
        assert answer["merchantTransactionId"] == reference
        txn = Txn(reference, answer["paymentId"], kind, amount, first)
        self.txns[reference] = txn
        self.settle(txn, first)
        if first == "3D":
            assert answer["redirect"]["method"] == "POST"
        if then is not None:
            txn.resolves_at, txn.resolves_to = self.now + PENDING_DELAY, then
        return txn

    @rule(txn=payments)
    def reuse_a_merchant_transaction_id(self, txn: Txn) -> None:
        flow = self.api.debit(
            txn.reference, "1.00", CURRENCY, Card(CARDS["approve"][0], 12, 2030, "123")
        )
        self.refused(flow, 409, "13001")

    @rule(amount=st.integers(100, 50_000), declined=st.booleans())
    def pay_out(self, amount: int, declined: bool) -> None:
        number = CARDS["decline" if declined and self.admin else "approve"][0]
        reference = self.reference("PO")
        answer = self.call(
            self.api.payout(
                reference,
                major(amount),
                CURRENCY,
                card=Card(number, 12, 2030, "123"),
                **self.notify(),
            )
        )
        short = "N" if declined and self.admin else "Y"
        assert (answer["paymentType"], answer["transactionStatus"]) == ("PO", short)
        txn = Txn(reference, answer["paymentId"], "PO", amount, short)
        self.txns[reference] = txn
        self.settle(txn, short)

    # --- backoffice -------------------------------------------------------------------------

    @rule(txn=payments, share=st.one_of(st.just(100), st.integers(1, 120)))
    def capture(self, txn: Txn, share: int) -> None:
        amount = max(1, txn.amount * share // 100)
        flow = self.api.capture(txn.payment_id, major(amount))
        if txn.kind != "PA" or txn.state != "Y":
            self.refused(flow, 409, "13002")
        elif amount > txn.amount:
            self.refused(flow, 409, "13003")
        else:
            answer = self.call(flow)
            assert (answer["result"]["code"], answer["amount"]) == ("00004", major(amount))
            txn.captured = amount
            txn.state = "captured"
            self.results.append((txn.reference, "CP", "Y"))

    @rule(txn=payments, how=st.sampled_from(["none", "whole", "less", "more"]))
    def reverse(self, txn: Txn, how: str) -> None:
        amount = {
            "none": None,
            "whole": txn.amount,
            "less": txn.amount - 1,
            "more": txn.amount + 1,
        }[how]
        flow = self.api.reverse(txn.payment_id, None if amount is None else major(amount))
        if txn.kind != "PA" or txn.state != "Y":
            self.refused(flow, 409, "13002")
        elif how == "less":
            self.refused(flow, 409, "13006")
        elif how == "more":
            self.refused(flow, 409, "13007")
        else:
            answer = self.call(flow)
            assert (answer["result"]["code"], answer["transactionStatus"]) == ("00006", "C")
            txn.state = "C"
            self.results.append((txn.reference, "RV", "C"))

    @rule(txn=payments, share=st.one_of(st.just(100), st.integers(1, 120)))
    def refund(self, txn: Txn, share: int) -> None:
        captured = txn.amount if (txn.kind, txn.state) == ("DB", "Y") else txn.captured
        amount = max(1, max(captured, 1) * share // 100)
        flow = self.api.refund(txn.payment_id, major(amount))
        if txn.refunds:
            self.refused(flow, 409, "13005")
        elif txn.kind == "PO" or txn.state not in ("Y", "captured") or captured == 0:
            self.refused(flow, 409, "13002")
        elif amount > captured:
            self.refused(flow, 409, "13004")
        else:
            answer = self.call(flow)
            assert (answer["result"]["code"], answer["amount"]) == ("00005", major(amount))
            txn.refunds, txn.refunded, txn.captured = 1, amount, captured
            txn.state = "refunded"
            self.results.append((txn.reference, "RF", "Y"))

    # --- what only a sandbox target offers --------------------------------------------------

    @precondition(lambda self: self.admin is not None)
    @rule(txn=payments, approve=st.booleans())
    def finish_challenge(self, txn: Txn, approve: bool) -> None:
        if txn.state != "3D":
            return
        assert self.admin is not None
        found = self.admin.find_payment("paymentz", txn.reference)
        self.admin.complete_challenge(found["id"], "approve" if approve else "decline")
        self.settle(txn, "Y" if approve else "N")

    @precondition(lambda self: self.admin is not None)
    @rule(seconds=st.sampled_from([PENDING_DELAY, 600, TOKEN_LIFETIME, 86_400]))
    def let_time_pass(self, seconds: int) -> None:
        assert self.admin is not None
        old_token = self.api.token
        self.admin.advance_clock(seconds)
        self.now += seconds
        for txn in self.txns.values():
            if txn.resolves_at is not None and txn.resolves_at <= self.now:
                assert txn.resolves_to is not None
                self.settle(txn, txn.resolves_to)
                txn.resolves_at = None
        bought = self.token_bought_at
        if old_token is not None and bought is not None and self.now - bought >= TOKEN_LIFETIME:
            self.the_old_token_is_refused(old_token)
            self.token_bought_at = None

    def the_old_token_is_refused(self, token: str) -> None:
        c = self.credentials
        fields = {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(c.member_id, c.secure_key, "nothing"),
            "merchantTransactionId": "nothing",
        }
        body = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        headers = {"AuthToken": token, "Content-Type": "application/x-www-form-urlencoded"}
        answer = self.client.request(
            Request("POST", "/transactionServices/REST/v1/inquiry", body, headers)
        )
        assert answer.status == 401 and '"12003"' in answer.text, answer.text

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def the_target_reports_what_the_model_expects(self) -> None:
        for txn in list(self.txns.values())[-3:]:
            found = self.call(self.api.inquire(txn.payment_id))
            long = found["status"]
            assert long in LONG[(txn.kind, txn.state)], (txn, long)
            assert found["transactionStatus"] == (
                "3D" if txn.state == "3D" else LONG_STATUSES[long]
            )
            assert found["refundedAmount"] == major(txn.refunded)
            assert 0 <= txn.refunded <= max(txn.captured, 0) and txn.refunds <= 1

    def check_callbacks(self) -> None:
        """Every final result was called back, with a valid checksum."""
        if self.admin is None or not self.results:
            return
        delivered = self.sink.wait_for(len(self.results), 15, lambda d: d.path == self.hook_path)
        seen = []
        for delivery in delivered:
            body = parse_callback(delivery.body, self.credentials.secure_key)
            seen.append(
                (body["merchantTransactionId"], body["paymentType"], body["transactionStatus"])
            )
        for result in self.results:
            assert result in seen, (result, seen)


def test_paymentz_transactions_follow_the_documented_rules(
    target: Target, credentials: PaymentzCredentials, webhook_sink: WebhookSink
) -> None:
    run_state_machine_as_test(
        lambda: PaymentzTransactions(target, credentials, webhook_sink),
        settings=target.lifecycle_settings(max_examples=40, steps=20),
    )
