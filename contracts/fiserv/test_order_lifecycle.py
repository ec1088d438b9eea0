"""Fiserv's documented order rules, checked by a state machine against any target.

Model (fiserv.md §1.4, §1.10; seed 003): a sale is captured at once; a preauth is authorized,
raised or lowered (PreAuthSecondaryTransaction, or another PreAuth on its orderId), captured by
postAuths — partial, several while ``splitShipment.finalShipment`` is false, the final one
closing the order — and voided as a whole while nothing is captured (on any day). A void of a
sale or postAuth is accepted on its own day only (tenant clock) and while nothing was returned;
voiding a postAuth re-opens the preauth. Returns are partial and repeated, their sum never above
what was captured, and come on a later day than the order's latest capture (seed 003: void on
the day, return afterwards); after a return no postAuth follows. Invariants after every step:
captured ≤ authorized, returned ≤ captured, every transaction's type, amount, result and
state as the model says, no ``transactionStatus`` on inquiries, and every refusal a
documented 409 GatewayDeclined.
"""

from __future__ import annotations

import itertools
import time
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
from psp_sandbox.client.fiserv import Card, FiservClient, FiservCredentials, FiservDeclined
from psp_sandbox.contracts.target import Target

CARD = Card("4111111111111111", "12", "30", "123")
CURRENCY = "EUR"
DAY = 86_400
#: Every code a refusal in this machine may carry (AuthorisationPlatform.md).
DOCUMENTED = {"5003", "5004", "5009", "5019", "5022", "10501", "10503", "10504"}
_runs = itertools.count(1)


@dataclass
class Txn:
    id: str
    type: str  # SALE, PREAUTH, POSTAUTH, VOID, RETURN
    amount: int
    day: int
    voided: bool = False


@dataclass
class Order:
    order_id: str
    kind: str  # "sale" or "preauth"
    authorized: int
    captured: int = 0
    returned: int = 0
    #: A postAuth may still follow (the preauth is not completed).
    open: bool = True
    voided: bool = False
    txns: list[Txn] = field(default_factory=list)

    @property
    def adjustable(self) -> bool:
        return self.kind == "preauth" and not self.voided and self.open and self.returned == 0


def _seconds_to_noon(now: float) -> float:
    """Seconds from ``now`` to the next 12:00 UTC."""
    return (12 * 3600 - now % DAY) % DAY


def major(minor: int) -> Decimal:
    return Decimal(minor) / 100


def minor(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


amounts = st.integers(min_value=1, max_value=100_000)
shares = st.integers(min_value=1, max_value=130)


class FiservOrders(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self, target: Target, credentials: FiservCredentials, base_url: str) -> None:
        super().__init__()
        self.tenant = target.fresh_tenant("fiserv")
        self.prefix = f"c{next(_runs)}-{self.tenant or 'remote'}"[-24:]
        self.offset = 0.0  # how far the tenant clock was moved
        self.client = FiservClient(
            base_url,
            credentials,
            headers=target.headers(self.tenant),
            clock=lambda: time.time() + self.offset,
        )
        self.api = self.client.api
        self.admin = target.admin(self.tenant)
        if self.admin is not None:  # noon on the tenant clock: no UTC midnight mid-run
            self.move_clock(_seconds_to_noon(time.time()))
        self.day = 0
        self.counter = itertools.count(1)
        self.last: Order | None = None

    def teardown(self) -> None:
        self.client.close()
        if self.admin is not None:
            self.admin.close()

    # --- plumbing ---------------------------------------------------------------------------

    def call(self, flow: Flow[Any]) -> Any:
        return self.client.run(flow)

    def refused(self, flow: Flow[Any]) -> FiservDeclined:
        with pytest.raises(FiservDeclined) as raised:
            self.call(flow)
        error = raised.value
        assert (error.status, error.response_type) == (409, "GatewayDeclined"), error
        assert error.code in DOCUMENTED, error
        assert error.body["transactionStatus"] == "VALIDATION_FAILED"
        return error

    def approved(self, answer: Any, type_: str, amount: int) -> Txn:
        assert (answer["transactionStatus"], answer["transactionResult"]) == (
            "APPROVED",
            "APPROVED",
        )
        assert answer["transactionType"] == type_
        assert minor(answer["approvedAmount"]["total"]) == amount
        return Txn(answer["ipgTransactionId"], type_, amount, self.day)

    # --- rules ------------------------------------------------------------------------------

    @rule(target=orders, kind=st.sampled_from(["sale", "preauth"]), amount=amounts)
    def open_order(self, kind: str, amount: int) -> Order:
        order = Order(f"{self.prefix}-{next(self.counter)}", kind, amount)
        pay = self.api.sale if kind == "sale" else self.api.preauth
        answer = self.call(pay(major(amount), CURRENCY, card=CARD, order_id=order.order_id))
        order.txns.append(self.approved(answer, "SALE" if kind == "sale" else "PREAUTH", amount))
        if kind == "sale":
            order.captured, order.open = amount, False
        self.last = order
        return order

    @rule(order=orders, amount=amounts, down=st.booleans(), by_preauth=st.booleans())
    def change_preauth(self, order: Order, amount: int, down: bool, by_preauth: bool) -> None:
        self.last = order
        new_total = order.authorized - amount if down else order.authorized + amount
        ok = order.adjustable and new_total > 0 and new_total >= order.captured
        if by_preauth:  # "another preauth for the same cardholder on the orderId" (seed 003)
            call = self.api.preauth(
                major(amount), CURRENCY, card=CARD, order_id=order.order_id, decrementalFlag=down
            )
        else:
            call = self.api.change_preauth(
                order.txns[0].id, major(amount), CURRENCY, decremental=down
            )
        if not ok:
            self.refused(call)
            return
        order.txns.append(self.approved(self.call(call), "PREAUTH", amount))
        order.authorized = new_total

    @rule(order=orders, share=shares, final=st.booleans())
    def postauth(self, order: Order, share: int, final: bool) -> None:
        self.last = order
        remaining = order.authorized - order.captured
        amount = max(1, max(remaining, 1) * share // 100)
        ok = (
            order.kind == "preauth"
            and not order.voided
            and order.open
            and order.returned == 0
            and amount <= remaining
        )
        call = self.api.postauth(
            order.order_id,
            major(amount),
            CURRENCY,
            split_shipment={"finalShipment": final},
            by_order=True,
        )
        if not ok:
            self.refused(call)
            return
        order.txns.append(self.approved(self.call(call), "POSTAUTH", amount))
        order.captured += amount
        order.open = not final and order.captured < order.authorized

    @rule(order=orders, data=st.data())
    def void(self, order: Order, data: st.DataObject) -> None:
        """VoidTransaction on one of the order's transactions."""
        self.last = order
        target = data.draw(st.sampled_from(order.txns))
        ok = (
            target.type in ("SALE", "POSTAUTH", "PREAUTH")
            and not target.voided
            and not order.voided
            and order.returned == 0
        )
        if target.type == "PREAUTH":
            ok = ok and target is order.txns[0] and order.captured == 0
        else:
            ok = ok and target.day == self.day
        call = self.api.void(target.id)
        if not ok:
            self.refused(call)
            return
        amount = order.authorized if target.type == "PREAUTH" else target.amount
        void = self.approved(self.call(call), "VOID", amount)
        order.txns.append(void)
        if target.type == "POSTAUTH":
            target.voided = True
            order.captured -= target.amount
            order.open = True
        else:
            self._voided(order)

    @rule(order=orders)
    def void_preauth(self, order: Order) -> None:
        self.last = order
        ok = order.kind == "preauth" and not order.voided and order.captured == 0
        call = self.api.void_preauth(order.order_id, by_order=True)
        if not ok:
            self.refused(call)
            return
        order.txns.append(self.approved(self.call(call), "VOID", order.authorized))
        self._voided(order)

    @rule(order=orders, share=shares)
    def return_(self, order: Order, share: int) -> None:
        self.last = order
        left = order.captured - order.returned
        amount = max(1, max(left, 1) * share // 100)
        moved = [t.day for t in order.txns if t.type in ("SALE", "POSTAUTH") and not t.voided]
        earlier_day = bool(moved) and max(moved) < self.day
        ok = not order.voided and 0 < amount <= left and earlier_day
        call = self.api.return_(order.order_id, major(amount), CURRENCY, by_order=True)
        if not ok:
            self.refused(call)
            return
        order.txns.append(self.approved(self.call(call), "RETURN", amount))
        order.returned += amount
        order.open = False

    @precondition(lambda self: self.admin is not None)
    @rule()
    def next_day(self) -> None:
        """The tenant's clock moves a day: yesterday's captures settle and can't be voided."""
        self.move_clock(DAY)
        self.day += 1

    def move_clock(self, seconds: float) -> None:
        assert self.admin is not None
        self.admin.advance_clock(seconds)
        self.offset += seconds

    def _voided(self, order: Order) -> None:
        order.voided, order.open = True, False
        order.captured = 0
        for txn in order.txns:
            txn.voided = True

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def the_order_is_what_the_rules_say(self) -> None:
        order = self.last
        if order is None:
            return
        found = self.call(self.api.order(order.order_id))
        seen = [
            (t["ipgTransactionId"], t["transactionType"], minor(t["transactionAmount"]["total"]))
            for t in found["transactions"]
        ]
        assert seen == [(t.id, t.type, t.amount) for t in order.txns]
        for txn, answer in zip(order.txns, found["transactions"], strict=True):
            assert "transactionStatus" not in answer
            assert answer["transactionResult"] == "APPROVED"
            assert answer["transactionState"] == self.state(order, txn), (txn, answer)

    def state(self, order: Order, txn: Txn) -> str:
        if txn.type == "VOID" or txn.voided or (txn.type == "PREAUTH" and order.voided):
            return "VOIDED"
        if txn.type == "PREAUTH":
            return "AUTHORIZED"
        return "SETTLED" if txn.day < self.day else "CAPTURED"

    @invariant()
    def money_never_exceeds_what_came_before(self) -> None:
        order = self.last
        if order is not None:
            assert 0 <= order.returned <= order.captured <= max(order.authorized, 0)
            kept = sum(t.amount for t in order.txns if t.type == "POSTAUTH" and not t.voided)
            if order.kind == "preauth" and not order.voided:
                assert kept == order.captured


def test_fiserv_orders_follow_the_documented_rules(
    target: Target, credentials: FiservCredentials, base_url: str
) -> None:
    run_state_machine_as_test(
        lambda: FiservOrders(target, credentials, base_url),
        settings=target.lifecycle_settings(max_examples=60, steps=30),
    )
