"""The webhook dispatcher: claims due deliveries, has the provider encode and sign them, POSTs
them, records every attempt, and schedules retries on the tenant clock.

Every sandbox process runs one. A delivery is claimed in the store with a lease before it is
sent, so two processes never send the same attempt; a claim whose process died runs out and
another process sends the delivery (at-least-once). Claims are fair: each tenant gets its first
delivery before any tenant gets a second, and no tenant holds more than ``per_tenant`` at once,
so a tenant whose receiver hangs never delays another's. Each attempt happens at its own due
time on the tenant clock, whichever process sends it and however far the clock jumped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from asyncio import current_task
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import aiohttp

from ..faults.chaos import answer_ignored
from ..journal.masking import excerpt
from ..services.clock import Clocks
from ..services.credentials import Credentials
from ..store import Attempt, Claim, Delivery, DeliveryFilter, DeliveryState, Store
from .profile import WebhookProfile

log = logging.getLogger(__name__)

_EXCERPT = 512
#: How long an idle connection to a receiver is kept for the next webhook (real seconds).
_KEEPALIVE_SECONDS = 1.0
#: Woken at a delivery's due moment, the dispatcher looks this much later (real seconds), so
#: that the store's clock has passed the due millisecond by then.
_DUE_MARGIN = 0.001


@dataclass(frozen=True, slots=True)
class Limits:
    #: Deliveries this process sends at once (background passes).
    concurrency: int = 64
    #: Deliveries of one tenant in flight at once, across every process.
    per_tenant: int = 8
    #: How long a claim lasts (real seconds); an attempt's timeout stays well inside it.
    lease_seconds: float = 60.0


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clocks: Clocks,
        credentials: Credentials,
        profiles: Mapping[str, WebhookProfile],
        *,
        owner: str,
        limits: Limits = Limits(),
        poll_interval: float = 0.25,
    ) -> None:
        self._store = store
        self._clocks = clocks
        self._credentials = credentials
        self._profiles = profiles
        self._owner = owner
        self._limits = limits
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        #: When the next pending delivery falls due (real time), as the store last said; asked
        #: again after a commit, a retry or a clock advance here, at that moment, and at each
        #: poll (deliveries other processes commit are seen then).
        self._next_due: datetime | None = None
        self._look_ahead = True
        self._session: aiohttp.ClientSession | None = None
        #: Deliveries this process is sending right now, by id: their tenant and task.
        self._sending: dict[str, tuple[str, asyncio.Task[Delivery]]] = {}
        #: The latest send this process started for each payment: the next one waits for it,
        #: so a payment's webhooks leave in the order they were claimed (the order of events).
        self._latest: dict[str, asyncio.Task[Delivery]] = {}

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": "psp-sandbox-webhooks"},
            # No pool-wide cap: the claims cap what is in flight, per tenant and in total.
            # Connections are kept for the next webhook to the same receiver, but only
            # briefly: well inside the idle time of common servers (Node 5 s, gunicorn 2 s),
            # so the sandbox never reuses one the receiver is closing.
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=_KEEPALIVE_SECONDS),
        )
        released = await self._store.release_claims(self._owner)
        if released:
            log.info("released %d deliveries this instance held before a restart", released)

    async def stop(self) -> None:
        """Abandon sends under way (their claims run out; then any process sends them)."""
        sending = [task for _owner, task in self._sending.values()]
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def owner(self) -> str:
        """The name this process claims deliveries under."""
        return self._owner

    def wake(self) -> None:
        """New deliveries were committed: look for due work now rather than at the next poll,
        and ask the store again when the next one falls due."""
        self._look_ahead = True
        self._wake.set()

    async def run_forever(self) -> None:
        """Claim and send due deliveries; then sleep until woken (a commit, a finished send),
        until the next delivery falls due, or for the poll interval, whichever comes first."""
        while True:
            self._wake.clear()  # a wake from here on brings another pass at once
            wait = self._poll_interval
            try:
                await self._claim_and_send(None, self._limits.concurrency - len(self._sending))
                wait = await self._until_next_due()
            except Exception:
                log.exception("dispatcher pass failed")
            # ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` swallows a
            # cancellation that arrives as the wake does, and shutdown would wait forever.
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                self._look_ahead = True  # the poll, or a due moment: ask the store again

    async def _until_next_due(self) -> float:
        """Real seconds until the next pending delivery falls due, within the poll interval."""
        now = self._clocks.real_now()
        if self._look_ahead or (self._next_due is not None and self._next_due <= now):
            self._look_ahead = False
            self._next_due = await self._store.next_delivery_due(now)
        if self._next_due is None:
            return self._poll_interval
        return min(self._poll_interval, (self._next_due - now).total_seconds() + _DUE_MARGIN)

    # --- work ------------------------------------------------------------------------------

    async def run_due(self, tenant: str | None = None) -> tuple[int, bool]:
        """Send the deliveries due now (of one tenant, or all), one attempt each, and wait for
        them and for those this process was sending already. Returns how many attempts that
        was, and — when it was none — whether another process still holds a claim on one of
        the tenant's (after any attempt the caller looks again anyway: not asked, False).

        Each finished attempt makes room for the next due one at once, up to ``per_tenant``
        in flight: a backlog drains at the receiver's pace, not in rounds that each wait for
        their slowest answer."""
        waited: set[asyncio.Task[Delivery]] = set()
        while True:
            await self._claim_and_send(tenant, self._limits.per_tenant)
            mine = {task for owner, task in list(self._sending.values()) if tenant in (None, owner)}
            if not mine:
                break
            waited |= mine
            await asyncio.wait(mine, return_when=asyncio.FIRST_COMPLETED)
        if waited:
            await asyncio.gather(*waited)  # their outcomes were logged and stored by _send
            return len(waited), False
        self.wake()  # a clock that moved brings later deliveries closer: look again
        elsewhere = await self._store.list_deliveries(
            DeliveryFilter(tenant=tenant, state=DeliveryState.IN_FLIGHT, limit=1)
        )
        return 0, bool(elsewhere)

    async def _claim_and_send(self, tenant: str | None, room: int) -> None:
        if room <= 0:
            return
        claim = Claim(
            self._clocks.real_now(),
            self._owner,
            lease_ms=round(self._limits.lease_seconds * 1000),
            limit=room,
            per_tenant=self._limits.per_tenant,
            tenant=tenant,
        )
        for delivery in await self._store.claim_deliveries(claim):
            before = self._latest.get(delivery.payment_id or "")
            task = asyncio.create_task(self._send(delivery, before))
            self._sending[delivery.id] = (delivery.tenant, task)
            if delivery.payment_id:
                self._latest[delivery.payment_id] = task

    async def _send(self, delivery: Delivery, after: asyncio.Task[Delivery] | None) -> Delivery:
        try:
            if after is not None:
                await asyncio.wait([after])  # its outcome is its own; only its moment matters
            # Claimed because it is due: its own due time is the moment of the attempt.
            with self._clocks.at(delivery.tenant, delivery.due_at):
                settled = await self._attempt(delivery)
            if not await self._store.settle_delivery(settled, self._owner):
                log.warning("webhook %s: claim ran out before its answer was stored", delivery.id)
            elif settled.state is DeliveryState.PENDING:
                self._look_ahead = True  # a retry falls due later: look for when
            return settled
        finally:
            self._sending.pop(delivery.id, None)
            if delivery.payment_id and self._latest.get(delivery.payment_id) is current_task():
                del self._latest[delivery.payment_id]
            self._wake.set()  # room for another

    async def replay(self, delivery: Delivery) -> Delivery:
        """Queue a fresh copy of a delivery, due now, whatever became of the original."""
        await self._clocks.ensure(delivery.tenant)
        now = self._clocks.now(delivery.tenant)
        copies = await self._store.list_deliveries(
            DeliveryFilter(tenant=delivery.tenant, payment_id=delivery.payment_id, limit=1000)
        )
        number = sum(1 for d in copies if d.copy_of == delivery.id) + 1
        copy = replace(
            delivery,
            id=f"{delivery.id}-replay-{number}",
            state=DeliveryState.PENDING,
            due_at=now,
            created_at=now,
            attempts=(),
            copy_of=delivery.id,
        )
        async with self._store.begin() as uow:
            uow.save_delivery(copy)
            await uow.commit()
        self.wake()
        return copy

    async def _attempt(self, delivery: Delivery) -> Delivery:
        profile = self._profiles[delivery.provider]
        secret = None
        if delivery.signing_key is not None:
            credential = await self._credentials.lookup(delivery.provider, delivery.signing_key)
            secret = credential.secret if credential else None
        request = profile.encode(delivery, secret)
        sent_at = self._clocks.now(delivery.tenant)
        timeout = min(profile.timeout_seconds, self._limits.lease_seconds / 3)
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        answer_text = ""
        timed_out = False
        try:
            assert self._session is not None, "dispatcher not started"
            async with self._session.post(
                delivery.url,
                data=request.body,
                headers={"Content-Type": request.content_type, **request.headers},
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as answer:
                status = answer.status
                answer_text = excerpt(await answer.content.read(_EXCERPT), _EXCERPT)
        except TimeoutError:
            error = f"no answer within {timeout:g} s"
            timed_out = True
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:_EXCERPT]
        latency_ms = round((time.perf_counter() - started) * 1000)
        if status is not None and answer_ignored(delivery):
            error = f"answer timeout injected by a chaos fault: the {status} was not counted"
            timed_out = True
        attempt = Attempt(
            sent_at,
            status,
            latency_ms,
            error,
            answer_text,
            excerpt(request.body, _EXCERPT),
            profile.signature(request),
            timed_out,
        )
        settled = self._settle(delivery, attempt, profile)
        log.info(
            "webhook %s %s -> %s (%s, attempt %d)",
            delivery.event,
            delivery.url,
            status or error,
            settled.state,
            len(settled.attempts),
            extra={
                "tenant": delivery.tenant,
                "provider": delivery.provider,
                "delivery_id": delivery.id,
                "payment_id": delivery.payment_id,
                "http_status": status,
                "error": error,
                "state": str(settled.state),
                "attempt": len(settled.attempts),
                "latency_ms": latency_ms,
            },
        )
        return settled

    def _settle(self, delivery: Delivery, attempt: Attempt, profile: WebhookProfile) -> Delivery:
        attempts = (*delivery.attempts, attempt)
        if attempt.status is not None and not attempt.timed_out and profile.accepts(attempt.status):
            return replace(delivery, state=DeliveryState.DELIVERED, attempts=attempts)
        retry = len(attempts) - 1
        if retry >= len(profile.retry_after):
            return replace(delivery, state=DeliveryState.FAILED, attempts=attempts)
        due = attempt.at + timedelta(seconds=profile.retry_after[retry])
        return replace(delivery, state=DeliveryState.PENDING, attempts=attempts, due_at=due)
