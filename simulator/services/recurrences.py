"""Recurrence chains kept in the store; each charge's result is read from the payment it made.

A chain is stored once, when its initial charge is made, and grows by one reference per later
charge. Results are never copied into it: loading a chain reads every charge's operation, so a
charge that resolved on its own time (pending, 3-D Secure) counts without anyone telling the
chain. A chain found closed disables its token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from ..engine import OperationStatus
from ..engine.recurrence import (
    Chain,
    Charge,
    ChargeState,
    Sequence,
    add_charge,
    start_chain,
    with_states,
)
from ..store import Store
from .mutex import Mutexes
from .payments import PaymentService, Scope
from .tokens import CardTokens

_STATE_OF: Mapping[OperationStatus, ChargeState] = {
    OperationStatus.PENDING: ChargeState.IN_FLIGHT,
    OperationStatus.ACTION_REQUIRED: ChargeState.IN_FLIGHT,
    OperationStatus.SUCCEEDED: ChargeState.SUCCEEDED,
    OperationStatus.DECLINED: ChargeState.FAILED,
    OperationStatus.FAILED: ChargeState.FAILED,
    OperationStatus.VOIDED: ChargeState.FAILED,
}


class Recurrences:
    def __init__(self, store: Store, payments: PaymentService, tokens: CardTokens) -> None:
        self._store = store
        self._payments = payments
        self._tokens = tokens
        self._locks = Mutexes(store)

    @asynccontextmanager
    async def hold(self, scope: Scope, chain_id: str) -> AsyncIterator[None]:
        """Charge one chain at a time, in every process: check, charge and record under this
        lock."""
        async with self._locks.hold((scope.tenant, scope.provider, chain_id)):
            yield

    async def start(
        self, scope: Scope, initial: Charge, token: str | None, min_period: timedelta | None
    ) -> Chain:
        chain = start_chain(initial, token, min_period)
        await self._put(scope, chain)
        return chain

    async def get(self, scope: Scope, chain_id: str) -> Chain | None:
        """The chain with its charges' current results; a closed chain's token is disabled."""
        async with self._store.begin() as uow:
            doc = await uow.get_document(_kind(scope), scope.tenant, chain_id)
        if doc is None:
            return None
        chain = await self._current(_from_doc(doc))
        if chain.closed and chain.token is not None:
            card = await self._tokens.get(scope, chain.token)
            if card is not None and card.active:
                await self._tokens.update(scope, card, active=False)
        return chain

    async def add(self, scope: Scope, chain: Chain, charge: Charge, now: datetime) -> Chain:
        """Record a charge made on the chain (hold the chain's lock around check and charge)."""
        grown = add_charge(chain, charge, now)
        await self._put(scope, grown)
        return grown

    async def _current(self, chain: Chain) -> Chain:
        states: dict[str, ChargeState] = {}
        for charge in chain.charges:
            payment = await self._payments.get(charge.payment_id)
            op = payment.operation(charge.operation_id) if payment else None
            states[charge.operation_id] = _STATE_OF[op.status] if op else ChargeState.FAILED
        return with_states(chain, states)

    async def _put(self, scope: Scope, chain: Chain) -> None:
        async with self._store.begin() as uow:
            uow.put_document(_kind(scope), scope.tenant, chain.id, _to_doc(chain))
            await uow.commit()


def _kind(scope: Scope) -> str:
    return f"recurrence:{scope.provider}"


def _to_doc(chain: Chain) -> dict[str, Any]:
    return {
        "id": chain.id,
        "token": chain.token,
        "min_period_seconds": chain.min_period.total_seconds() if chain.min_period else None,
        "charges": [
            {
                "payment_id": c.payment_id,
                "operation_id": c.operation_id,
                "sequence": c.sequence.value,
                "at": c.at.isoformat(),
            }
            for c in chain.charges
        ],
    }


def _from_doc(doc: Mapping[str, Any]) -> Chain:
    seconds = doc.get("min_period_seconds")
    return Chain(
        id=doc["id"],
        token=doc.get("token"),
        min_period=timedelta(seconds=seconds) if seconds is not None else None,
        charges=tuple(
            Charge(
                c["payment_id"],
                c["operation_id"],
                Sequence(c["sequence"]),
                datetime.fromisoformat(c["at"]),
            )
            for c in doc["charges"]
        ),
    )


__all__ = ["Recurrences"]
