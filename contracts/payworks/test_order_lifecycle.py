"""payworks' documented rules, checked by a state machine against a target.

Model (payworks.md §1.3 to 1.9, seed 000): a registered transaction is ``INITIALIZED`` and valid
15 minutes; it is executed at most once; statuses move INITIALIZED → PENDING → APPROVED |
DECLINED | ERROR, or → ABORTED; the payworks Test Card answers as its amount table says (for
whole amounts: hundreds 0 approve, 1 decline at once, 2 decline after online authorisation,
3 blocked card, 1000 and up approve; tens 2 and 3 offline PIN, 4 online PIN; units 1 a wrong
offline PIN on every try); a card-present refund is a REFUND session for exactly the amount and
currency of an APPROVED, not yet refunded CHARGE; refunds never exceed the charge; a
transaction is aborted only before processing starts; every APPROVED charge and refund is
announced by ``transaction.succeeded``.

What payworks leaves open, the model takes from psp-sandbox's fidelity notes: a session not
executed in time ends DECLINED, a card allows three offline PIN tries, refunds without the card
(``refund_without_card``) and aborts have sandbox-defined paths. Executing takes payworks' app
and a card reader: against psp-sandbox its admin API stands in for them, and provides the
clock and the merchant's webhook URL; against another target those rules do not run.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from psp_sandbox.client import Flow
from psp_sandbox.client.payworks import (
    FINAL_STATUSES,
    TRANSACTION_SUCCEEDED,
    PayworksApiError,
    PayworksClient,
    PayworksCredentials,
    parse_event,
)
from psp_sandbox.client.sandbox import SandboxAdmin, SandboxApiError
from psp_sandbox.contracts.target import Target
from psp_sandbox.simulator.testing.sink import Delivery, WebhookSink

from .conftest import base_url

CURRENCY = "EUR"
SESSION_LIFETIME = 900
PIN_TRIES = 3
DATE = "%Y-%m-%d %H:%M:%S"

#: The documented moves between statuses (staying put is always allowed).
PATHS: dict[str, set[str]] = {
    "INITIALIZED": {"PENDING", "APPROVED", "DECLINED", "ERROR", "ABORTED"},
    "PENDING": {"APPROVED", "DECLINED", "ERROR", "ABORTED"},
    **{final: set() for final in FINAL_STATUSES},
}
_runs = itertools.count(1)


@dataclass(frozen=True)
class CardAnswer:
    """What the payworks Test Card does for an amount (its documented table)."""

    #: Declined as soon as the card is read, before any verification.
    at_once: bool
    asks_pin: bool
    pin_accepted: bool
    result: str


def card_answer(cents: int) -> CardAnswer:
    whole, rest = divmod(cents, 100)
    if rest:  # outside the table: the neutral rules approve the card
        return CardAnswer(False, False, True, "APPROVED")
    hundreds = whole // 100 if whole < 1000 else 0
    tens, units = whole // 10 % 10, whole % 10
    if hundreds in (1, 3):
        return CardAnswer(True, False, True, "DECLINED")
    offline_pin = tens in (2, 3)
    return CardAnswer(
        at_once=False,
        asks_pin=offline_pin or tens == 4,
        pin_accepted=not (offline_pin and units == 1),
        result="DECLINED" if hundreds == 2 else "APPROVED",
    )


#: Amounts the table documents: hundreds, tens (verification) and units (offline PIN check).
documented_amounts = st.builds(
    lambda hundreds, tens, units: (hundreds * 100 + tens * 10 + units) * 100,
    st.sampled_from([0, 0, 0, 1, 2, 3, 10]),
    st.integers(0, 4),
    st.integers(0, 1),
).filter(lambda cents: cents > 0)
amounts = st.one_of(documented_amounts, documented_amounts, st.integers(101, 99_999))
#: Amounts the Test Card approves with a PIN it accepts (or none asked).
approving_amounts = amounts.filter(
    lambda cents: (answer := card_answer(cents)).result == "APPROVED" and answer.pin_accepted
)


@dataclass
class Txn:
    identifier: str
    kind: str  # CHARGE | REFUND
    amount: int  # cents
    registered_at: int  # model seconds
    statuses: list[str] = field(default_factory=list)
    charge: Txn | None = None
    refunded: int = 0
    pin_tries_left: int = PIN_TRIES

    @property
    def status(self) -> str:
        return self.statuses[-1]


def major(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class PayworksTransactions(RuleBasedStateMachine):
    charges = Bundle("charges")
    refund_sessions = Bundle("refund_sessions")
    transactions = Bundle("transactions")

    def __init__(
        self, target: Target, account: tuple[PayworksCredentials, str], sink: WebhookSink
    ) -> None:
        super().__init__()
        credentials, self.merchant = account
        self.tenant = target.fresh_tenant("payworks")
        self.client = PayworksClient(
            base_url(target), credentials, headers=target.headers(self.tenant)
        )
        self.api = self.client.api
        self.admin: SandboxAdmin | None = target.admin(self.tenant)
        self.sink = sink
        self.hook_path = f"/payworks-{next(_runs)}-{self.tenant}"
        self.now = 0
        self.txns: dict[str, Txn] = {}
        self.payment_ids: dict[str, str] = {}
        if self.admin is not None:
            url = sink.url_for(self.hook_path)
            self.admin.set_merchant_webhook("payworks", self.merchant, url)

    def teardown(self) -> None:
        try:
            self.check_announcements()
        finally:
            self.client.close()
            if self.admin is not None:
                self.admin.close()

    # --- plumbing ---------------------------------------------------------------------------

    def call(self, flow: Flow[Any]) -> Any:
        return self.client.run(flow)

    def refused(self, flow: Flow[Any], *statuses: int) -> PayworksApiError:
        with pytest.raises(PayworksApiError) as raised:
            self.call(flow)
        error = raised.value
        assert error.status in statuses, error
        assert error.body["status"] == "error" and isinstance(error.type, str), error.body
        return error

    def observe(self, txn: Txn, status: str) -> None:
        if status != txn.status:
            assert status in PATHS[txn.status], f"{txn.status} -> {status} is not documented"
            txn.statuses.append(status)

    def lapsed(self, txn: Txn) -> bool:
        return self.now >= txn.registered_at + SESSION_LIFETIME

    def reserved(self, charge: Txn) -> int:
        """What refund sessions waiting to be executed hold of a charge."""
        return sum(
            t.amount
            for t in self.txns.values()
            if t.charge is charge and t.kind == "REFUND" and t.status == "INITIALIZED"
        )

    def at_terminal(self, txn: Txn, **done: Any) -> bool:
        """Do at the terminal what ``done`` says; False if the sandbox refused it (409)."""
        assert self.admin is not None
        group = txn.charge.identifier if txn.charge else txn.identifier
        if group not in self.payment_ids:
            [found] = self.admin.payments(provider="payworks", reference=group)
            self.payment_ids[group] = found["id"]
        try:
            self.admin.execute(self.payment_ids[group], operation_id=txn.identifier, **done)
        except SandboxApiError as refused:
            assert refused.status == 409, refused
            return False
        return True

    def new_txn(self, data: Any, kind: str, amount: int, charge: Txn | None = None) -> Txn:
        assert data["identifier"] not in self.txns
        assert (data["type"], data["currency"]) == (kind, CURRENCY)
        assert round(float(data["amount"]) * 100) == amount
        txn = Txn(data["identifier"], kind, amount, self.now, [data["status"]], charge)
        self.txns[txn.identifier] = txn
        return txn

    # --- registering ------------------------------------------------------------------------

    @rule(target=charges, cents=amounts)
    def register_charge(self, cents: int) -> Txn:
        session = self.call(self.api.register_charge(self.merchant, major(cents), CURRENCY))
        valid_until = datetime.strptime(session["validUntil"], DATE)
        created = datetime.strptime(session["transaction"]["created"], DATE)
        assert (valid_until - created).total_seconds() == SESSION_LIFETIME
        assert session["transaction"]["status"] == "INITIALIZED"
        return self.new_txn(session["transaction"], "CHARGE", cents)

    @rule(
        target=refund_sessions,
        charge=charges,
        variant=st.sampled_from(["exact", "exact", "exact", "less", "more", "currency"]),
    )
    def register_refund(self, charge: Txn, variant: str) -> Txn | Any:
        amount = {"less": charge.amount - 1, "more": charge.amount + 1}.get(variant, charge.amount)
        currency = "USD" if variant == "currency" else CURRENCY
        flow = self.api.register_refund(
            self.merchant, charge.identifier, major(max(amount, 1)), currency
        )
        refundable = (
            charge.status == "APPROVED" and charge.refunded == 0 and self.reserved(charge) == 0
        )
        if not refundable or variant != "exact" or amount < 1:
            if not refundable and variant == "exact":
                self.refused(flow, 409)
            elif refundable and variant in ("less", "currency"):
                self.refused(flow, 400)
            else:  # where two rules are broken, which one answers is not documented
                self.refused(flow, 400, 409)
            return multiple()
        session = self.call(flow)
        refund = self.new_txn(session["transaction"], "REFUND", amount, charge)
        assert session["transaction"]["referencedTransactionIdentifier"] == charge.identifier
        return refund

    # --- the app executes (the sandbox's admin API stands in) -----------------------------

    @precondition(lambda self: self.admin is not None)
    @rule(target=charges, cents=approving_amounts)
    def charge_and_execute(self, cents: int) -> Txn:
        """A charge the Test Card approves, executed at once (so refunds have work to do)."""
        charge = self.register_charge(cents)
        self.execute_charge(charge, contactless=False, with_pin=True)
        assert charge.status == "APPROVED"
        return charge

    @precondition(lambda self: self.admin is not None)
    @rule(charge=charges, contactless=st.booleans(), with_pin=st.booleans())
    def execute_charge(self, charge: Txn, contactless: bool, with_pin: bool) -> None:
        if charge.status == "PENDING" and with_pin:
            return self.enter_pin(charge)  # the card is in the reader: this is the PIN
        answer = card_answer(charge.amount)
        tens = charge.amount // 1000 % 10
        contactless = contactless and tens not in (2, 3)  # the table's offline PIN is contact
        done = self.at_terminal(charge, contactless=contactless, pin="1234" if with_pin else None)
        if charge.status != "INITIALIZED":
            assert not done, "a transaction is executed at most once"
            return
        assert done
        if answer.at_once or not answer.asks_pin:
            self.observe(charge, answer.result if not answer.at_once else "DECLINED")
        elif not with_pin:
            self.observe(charge, "PENDING")
        elif answer.pin_accepted:
            self.observe(charge, answer.result)
        else:
            charge.pin_tries_left -= 1
            self.observe(charge, "PENDING")

    @precondition(lambda self: self.admin is not None)
    @rule(charge=charges)
    def enter_pin(self, charge: Txn) -> None:
        """Another PIN once the card is in the reader (with a fresh session it would present
        the card first: execute_charge covers that)."""
        if charge.status == "INITIALIZED":
            return
        done = self.at_terminal(charge, pin="1234")
        assert done == (charge.status == "PENDING")
        if not done:
            return
        answer = card_answer(charge.amount)
        if answer.pin_accepted:
            self.observe(charge, answer.result)
            return
        charge.pin_tries_left -= 1
        self.observe(charge, "PENDING" if charge.pin_tries_left else "DECLINED")

    @precondition(lambda self: self.admin is not None)
    @rule(charge=charges)
    def remove_card(self, charge: Txn) -> None:
        done = self.at_terminal(charge, remove_card=True)
        assert done == (charge.status == "PENDING")
        if done:
            self.observe(charge, "ABORTED")

    @precondition(lambda self: self.admin is not None)
    @rule(refund=refund_sessions, contactless=st.booleans())
    def execute_refund(self, refund: Txn, contactless: bool) -> None:
        done = self.at_terminal(refund, contactless=contactless)
        assert done == (refund.status == "INITIALIZED")
        if done:
            assert refund.charge is not None
            self.observe(refund, "APPROVED")
            refund.charge.refunded += refund.amount

    @precondition(lambda self: self.admin is not None)
    @rule(seconds=st.sampled_from([60, 600, SESSION_LIFETIME]))
    def let_time_pass(self, seconds: int) -> None:
        assert self.admin is not None
        self.admin.advance_clock(seconds)
        self.now += seconds
        for txn in self.txns.values():
            if txn.status == "INITIALIZED" and self.lapsed(txn):
                self.observe(txn, "DECLINED")

    # --- the backend ------------------------------------------------------------------------

    @rule(txn=st.one_of(charges, refund_sessions))
    def abort(self, txn: Txn) -> None:
        flow = self.api.abort(txn.identifier)
        if txn.status != "INITIALIZED":
            error = self.refused(flow, 409)
            assert error.type == "TransactionNoLongerAbortable"
            return
        aborted = self.call(flow)
        assert aborted["status"] == "ABORTED"
        self.observe(txn, "ABORTED")

    @rule(target=transactions, charge=charges, share=st.one_of(st.just(100), st.integers(1, 130)))
    def refund_without_card(self, charge: Txn, share: int) -> Txn | Any:
        left = charge.amount - charge.refunded - self.reserved(charge)
        amount = max(1, max(left, 1) * share // 100)
        flow = self.api.refund_without_card(charge.identifier, major(amount), CURRENCY)
        if charge.status != "APPROVED" or amount > left:
            self.refused(flow, 409)
            return multiple()
        refund = self.call(flow)
        assert refund["status"] == "APPROVED"
        assert refund["referencedTransactionIdentifier"] == charge.identifier
        charge.refunded += amount
        return self.new_txn(refund, "REFUND", amount, charge)

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def refunds_never_exceed_the_charge(self) -> None:
        for txn in self.txns.values():
            assert 0 <= txn.refunded <= txn.amount

    @invariant()
    def the_target_reports_what_the_model_expects(self) -> None:
        for txn in list(self.txns.values())[-3:]:
            found = self.call(self.api.transaction(txn.identifier))
            self.observe(txn, found["status"])
            assert found["status"] == txn.status
            if txn.kind == "CHARGE":
                refunds = found["refundDetails"]["refundTransactions"]
                approved = sum(
                    round(float(r["amount"]) * 100) for r in refunds if r["status"] == "APPROVED"
                )
                assert approved == txn.refunded <= txn.amount
                refunded = "REFUNDED" if txn.refunded == txn.amount else None
                if refunded:
                    assert found["refundDetails"]["status"] == refunded

    def check_announcements(self) -> None:
        """Every APPROVED charge and refund was announced by transaction.succeeded."""
        if self.admin is None:
            return
        approved = {t.identifier for t in self.txns.values() if t.status == "APPROVED"}
        if not approved:
            return

        def succeeded(delivery: Delivery) -> bool:
            return delivery.path == self.hook_path and json.loads(delivery.body)["type"] == (
                TRANSACTION_SUCCEEDED
            )

        delivered = self.sink.wait_for(len(approved), 15, succeeded)
        events = [parse_event(delivery.body) for delivery in delivered]
        announced = {e["transaction"]["identifier"] for e in events}
        assert approved <= announced, approved - announced
        for event in events:
            assert event["transaction"]["status"] == "APPROVED"


def test_payworks_transactions_follow_the_documented_rules(
    target: Target, account: tuple[PayworksCredentials, str], webhook_sink: WebhookSink
) -> None:
    run_state_machine_as_test(
        lambda: PayworksTransactions(target, account, webhook_sink),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
