"""Payment use cases: one unit of work per command — load (locked), decide, save, notify, commit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..engine import (
    AdjustAuthorization,
    Capture,
    Command,
    Decision,
    Event,
    Execute,
    Outcome,
    Payment,
    Policy,
    Refund,
    Resolve,
    Start,
    Tick,
    Void,
    Woken,
    decide,
)
from ..engine.payment import PRIMARY_KIND_OF
from ..faults.injection import QueuedFaults
from ..ids import Ids
from ..journal import touched
from ..outcomes.scripted import QueuedOutcomes
from ..store import Delivery, DeliveryFilter, DeliveryState, Store, UnitOfWork
from ..store.retry import retried
from . import requests
from .activity import log_changes
from .clock import Clocks
from .locks import KeyedLocks
from .requests import KeyedRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Scope:
    """Who acts: a tenant, through one provider's API."""

    tenant: str
    provider: str


@dataclass(frozen=True, slots=True)
class Notification:
    """A webhook a provider wants sent because of a decision."""

    url: str
    event: str
    payload: Mapping[str, Any]
    operation_id: str | None = None
    #: The stored credential whose secret signs it.
    signing_key: str | None = None


class ProviderRules(Protocol):
    """What the service needs from a provider: its rules, the webhooks a decision causes, and
    its own work when a payment's wake-up time (``WakeAt``) comes."""

    @property
    def name(self) -> str: ...
    @property
    def policy(self) -> Policy: ...
    def notifications(self, decision: Decision) -> Iterable[Notification]: ...
    async def wake(self, payment: Payment) -> None:
        """Run the provider's work due at ``payment.wake_at``. Called before the tick that
        moves time past it, so a crash in between calls it again: it must be idempotent."""
        ...


class PaymentNotFound(LookupError):
    """No payment answers to that reference or id for this tenant and provider."""


BuildCommands = Callable[[Payment | None], Sequence[Command]]


class PaymentService:
    def __init__(
        self,
        store: Store,
        clocks: Clocks,
        ids: Ids,
        rules: Mapping[str, ProviderRules],
        outcomes: QueuedOutcomes,
        faults: QueuedFaults,
        on_deliveries: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._clocks = clocks
        self._ids = ids
        self._rules = rules
        self._outcomes = outcomes
        self._faults = faults
        self._locks = KeyedLocks()
        #: Reruns after a Conflict, one at a time per tenant in this process: the rows a
        #: tenant's orders share (queued outcomes and faults) then see no stampede.
        self._reruns = KeyedLocks()
        self._on_deliveries = on_deliveries

    # --- reads ------------------------------------------------------------------------------

    async def find(self, scope: Scope, reference: str) -> Payment | None:
        async with self._store.begin() as uow:
            return await uow.find_payment(scope.tenant, scope.provider, reference)

    async def find_by_alias(self, scope: Scope, alias: str) -> Payment | None:
        async with self._store.begin() as uow:
            payment_id = await uow.resolve_alias(scope.tenant, scope.provider, alias)
            return await uow.get_payment(payment_id) if payment_id else None

    async def get(self, payment_id: str) -> Payment | None:
        async with self._store.begin() as uow:
            return await uow.get_payment(payment_id)

    # --- changes ----------------------------------------------------------------------------

    async def create(
        self,
        scope: Scope,
        reference: str,
        commands: Sequence[Command],
        *,
        aliases: Iterable[str] = (),
        request: KeyedRequest | None = None,
    ) -> Decision:
        """Open an order (``commands`` start with ``Open``) and run what follows, atomically.

        An existing order with this reference makes ``Open`` fail with DUPLICATE_REFERENCE.
        With ``request``, its key is checked first (AnsweredBefore, KeyReused) and its answer
        stored in the same commit.
        """
        return await self._run(scope, reference, lambda _existing: commands, aliases, request)

    async def update(
        self,
        scope: Scope,
        reference: str,
        build: Callable[[Payment], Sequence[Command]],
        *,
        aliases: Iterable[str] = (),
        request: KeyedRequest | None = None,
    ) -> Decision:
        """Apply the commands ``build`` returns for the stored order, atomically.

        Raises PaymentNotFound, or RuleViolation (and nothing changed); with ``request`` as
        ``create`` does.
        """

        def existing(payment: Payment | None) -> Sequence[Command]:
            if payment is None:
                raise PaymentNotFound(reference)
            return build(payment)

        return await self._run(scope, reference, existing, aliases, request)

    async def _run(
        self,
        scope: Scope,
        reference: str,
        build: BuildCommands,
        aliases: Iterable[str],
        request: KeyedRequest | None = None,
    ) -> Decision:
        # The store serializes conflicting commands, in this process and between processes:
        # a unit of work that read a payment another one changed meanwhile fails at commit,
        # and runs again on the new state. The in-process lock only spares those reruns.
        async with self._locks.hold((scope.tenant, scope.provider, reference)):
            await self._clocks.ensure(scope.tenant)
            decision, deliveries = await retried(
                self._store,
                lambda uow: self._once(uow, scope, reference, build, aliases, request),
                reruns=lambda: self._reruns.hold(scope.tenant),
                in_line=self._reruns.busy(scope.tenant),
            )
        log_changes(decision)
        if deliveries:
            self._on_deliveries()
        return decision

    async def _once(
        self,
        uow: UnitOfWork,
        scope: Scope,
        reference: str,
        build: BuildCommands,
        aliases: Iterable[str],
        request: KeyedRequest | None,
    ) -> tuple[Decision, list[Delivery]]:
        rules = self._rules[scope.provider]
        if request is not None:
            answer = await requests.recall(uow, request.key, self._clocks.now(scope.tenant))
            if answer is not None:
                raise requests.AnsweredBefore(answer)
        payment = await uow.find_payment(scope.tenant, scope.provider, reference)
        if payment is not None:
            touched.note(scope.tenant, payment.id)  # refused or not, it was acted on
        commands = build(payment)
        decision = await self._decide(uow, scope, payment, commands, rules.policy)
        touched.note(scope.tenant, decision.payment.id)
        deliveries = await self._deliveries(uow, decision.payment, rules.notifications(decision))
        new_ids = _new_operation_ids(payment, decision.payment)
        uow.save_payment(decision.payment, aliases=[*new_ids, *aliases])
        for delivery in deliveries:
            uow.save_delivery(delivery)
        if request is not None:
            now = self._clocks.now(scope.tenant)
            requests.remember(uow, request.key, request.answer(decision), now)
        await uow.commit()
        return decision, deliveries

    async def send(self, payment: Payment, notifications: Iterable[Notification]) -> list[Delivery]:
        """Queue webhooks outside any decision (a merchant asked for a resend)."""
        touched.note(payment.tenant, payment.id)
        async with self._store.begin() as uow:
            known = await self._store.list_deliveries(
                DeliveryFilter(tenant=payment.tenant, payment_id=payment.id, limit=100_000)
            )
            deliveries = await self._deliveries(uow, payment, notifications, salt=len(known))
            for delivery in deliveries:
                uow.save_delivery(delivery)
            await uow.commit()
        self._on_deliveries()
        return deliveries

    async def resolve(self, payment: Payment, operation_id: str, outcome: Outcome) -> Decision:
        """Finish a pending or challenged operation (3-D Secure page, admin API)."""
        scope = Scope(payment.tenant, payment.provider)
        return await self.update(
            scope, payment.reference, lambda _p: [Resolve(operation_id, outcome)]
        )

    async def tick(self, tenant: str, payment_id: str) -> Decision | None:
        """Let time act on one payment at its due moment on the tenant clock (which may have
        moved past it: a clock advance runs each payment's due work at its own time); when its
        wake-up time has come, its provider works first, at that moment."""
        payment = await self.get(payment_id)
        if payment is None or payment.provider not in self._rules or payment.due_at is None:
            return None
        scope = Scope(tenant, payment.provider)
        await self._clocks.refresh(tenant)
        with self._clocks.at(tenant, min(payment.due_at, self._clocks.now(tenant))):
            commands: list[Command] = [Tick()]
            wake_at = payment.wake_at
            if wake_at is not None and wake_at <= self._clocks.now(tenant):
                await self._rules[payment.provider].wake(payment)
                commands.append(Woken(wake_at))
            return await self.update(scope, payment.reference, lambda _p: commands)

    # --- internals --------------------------------------------------------------------------

    async def _decide(
        self,
        uow: UnitOfWork,
        scope: Scope,
        payment: Payment | None,
        commands: Sequence[Command],
        policy: Policy,
    ) -> Decision:
        now = self._clocks.now(scope.tenant)
        events: list[Event] = []
        decision: Decision | None = None
        for command in commands:
            command = await self._with_queued_outcome(uow, scope, payment, command)
            decision = decide(payment, command, policy, now)
            events.extend(decision.events)
            payment = decision.payment
        assert decision is not None, "no commands"
        if len(commands) == 1:
            return decision
        return Decision(decision.payment, decision.operation, tuple(events))

    async def _with_queued_outcome(
        self, uow: UnitOfWork, scope: Scope, payment: Payment | None, command: Command
    ) -> Command:
        if not isinstance(command, _TAKES_OUTCOME) or payment is None:
            return command
        if isinstance(command, Start):
            kind = PRIMARY_KIND_OF[payment.intent].value
        elif isinstance(command, Execute):
            registered = payment.operation(command.operation_id)
            if registered is None:
                return command
            kind = registered.kind.value
        else:
            kind = _KIND_OF[type(command)]
        queued = await self._outcomes.next_for(
            uow, scope.tenant, scope.provider, kind, payment.reference
        )
        if queued is None:
            return command
        log.info("queued outcome %s for %s %s", queued.result, kind, payment.reference)
        return replace(command, outcome=queued)

    async def _deliveries(
        self,
        uow: UnitOfWork,
        payment: Payment,
        notifications: Iterable[Notification],
        salt: int = 0,
    ) -> list[Delivery]:
        now = self._clocks.now(payment.tenant)
        deliveries = []
        for index, n in enumerate(notifications):
            # Named by the decision that caused it, so seeded runs repeat delivery ids too.
            moment = (len(payment.operations), len(payment.history), index, salt)
            delivery = Delivery(
                id=self._ids.uuid("delivery", payment.id, n.operation_id, n.event, *moment),
                tenant=payment.tenant,
                provider=payment.provider,
                url=n.url,
                event=n.event,
                payload=n.payload,
                state=DeliveryState.PENDING,
                due_at=now,
                created_at=now,
                payment_id=payment.id,
                operation_id=n.operation_id,
                signing_key=n.signing_key,
            )
            deliveries.extend(await self._faults.with_webhook_faults(uow, delivery))
        return deliveries


#: Commands whose outcome a queued outcome may replace.
_TAKES_OUTCOME = (Start, Execute, Capture, Void, Refund, AdjustAuthorization)
_KIND_OF: Mapping[type, str] = {
    Capture: "capture",
    Void: "void",
    Refund: "refund",
    AdjustAuthorization: "adjustment",
}


def _new_operation_ids(before: Payment | None, after: Payment) -> list[str]:
    known = {op.id for op in before.operations} if before else set()
    return [op.id for op in after.operations if op.id not in known]


__all__ = [
    "Notification",
    "PaymentNotFound",
    "PaymentService",
    "ProviderRules",
    "Scope",
]
