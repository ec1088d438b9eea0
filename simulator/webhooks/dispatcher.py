"""The webhook dispatcher: claims due deliveries, has the provider encode and sign them, POSTs
them, records every attempt, and schedules retries on the tenant clock.

At-least-once: a delivery is marked in flight before it is sent and settled after; deliveries a
killed process left in flight are sent again when the dispatcher starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

import aiohttp

from ..faults.chaos import answer_ignored
from ..journal.masking import excerpt
from ..services.clock import Clocks
from ..services.credentials import Credentials
from ..store import Attempt, Delivery, DeliveryFilter, DeliveryState, Store
from .profile import WebhookProfile

log = logging.getLogger(__name__)

_EXCERPT = 512


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clocks: Clocks,
        credentials: Credentials,
        profiles: Mapping[str, WebhookProfile],
        *,
        concurrency: int = 32,
        poll_interval: float = 0.25,
    ) -> None:
        self._store = store
        self._clocks = clocks
        self._credentials = credentials
        self._profiles = profiles
        self._poll_interval = poll_interval
        self._limit = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        #: Deliveries being sent right now, by id: their tenant and the task sending them.
        self._sending: dict[str, tuple[str, asyncio.Task[Delivery]]] = {}

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": "psp-sandbox-webhooks"},
            connector=aiohttp.TCPConnector(limit=64, force_close=True),
        )
        await self._requeue_in_flight()

    async def stop(self) -> None:
        """Abandon sends under way (they stay in flight and are sent again on the next start)."""
        sending = [task for _owner, task in self._sending.values()]
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def wake(self) -> None:
        """New deliveries were committed: look for due work now rather than at the next poll."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("dispatcher pass failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval)

    # --- work ------------------------------------------------------------------------------

    async def run_due(self, tenant: str | None = None) -> list[Delivery]:
        """Send every delivery that is due now (one attempt each) and return them settled —
        with those of the tenant that another pass is sending at this moment."""
        due = await self._store.due_deliveries(self._clocks.real_now(), 200)
        for d in due:
            if tenant in (None, d.tenant) and d.id not in self._sending:
                # Registered before any await: no other pass can pick the same delivery.
                self._sending[d.id] = (d.tenant, asyncio.create_task(self._send(d)))
        waiting = [task for owner, task in list(self._sending.values()) if tenant in (None, owner)]
        return list(await asyncio.gather(*waiting))

    async def _send(self, delivery: Delivery) -> Delivery:
        try:
            claimed = replace(delivery, state=DeliveryState.IN_FLIGHT)
            async with self._store.begin() as uow:
                uow.save_delivery(claimed)
                await uow.commit()
            return await self._attempt(claimed)
        finally:
            self._sending.pop(delivery.id, None)

    async def replay(self, delivery: Delivery) -> Delivery:
        """Queue a fresh copy of a delivery, due now, whatever became of the original."""
        now = self._clocks.now(delivery.tenant)
        copies = await self._store.list_deliveries(
            DeliveryFilter(tenant=delivery.tenant, payment_id=delivery.payment_id, limit=10_000)
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
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        answer_text = ""
        timed_out = False
        async with self._limit:
            try:
                assert self._session is not None, "dispatcher not started"
                async with self._session.post(
                    delivery.url,
                    data=request.body,
                    headers={"Content-Type": request.content_type, **request.headers},
                    timeout=aiohttp.ClientTimeout(total=profile.timeout_seconds),
                    allow_redirects=False,
                ) as answer:
                    status = answer.status
                    answer_text = excerpt(await answer.content.read(_EXCERPT), _EXCERPT)
            except TimeoutError:
                error = f"no answer within {profile.timeout_seconds:g} s"
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
        async with self._store.begin() as uow:
            uow.save_delivery(settled)
            await uow.commit()
        log.info(
            "webhook %s %s -> %s (%s, attempt %d)",
            delivery.event,
            delivery.url,
            status or error,
            settled.state,
            len(settled.attempts),
        )
        return settled

    def _settle(self, delivery: Delivery, attempt: Attempt, profile: WebhookProfile) -> Delivery:
        attempts = (*delivery.attempts, attempt)
        if attempt.status is not None and not attempt.timed_out and profile.accepts(attempt.status):
            return replace(delivery, state=DeliveryState.DELIVERED, attempts=attempts)
        retry = len(attempts) - 1
        if retry >= len(profile.retry_after):
            return replace(delivery, state=DeliveryState.FAILED, attempts=attempts)
        due = self._clocks.now(delivery.tenant) + timedelta(seconds=profile.retry_after[retry])
        return replace(delivery, state=DeliveryState.PENDING, attempts=attempts, due_at=due)

    async def _requeue_in_flight(self) -> None:
        stranded = await self._store.list_deliveries(
            DeliveryFilter(state=DeliveryState.IN_FLIGHT, limit=100_000)
        )
        if not stranded:
            return
        async with self._store.begin() as uow:
            for d in stranded:
                uow.save_delivery(replace(d, state=DeliveryState.PENDING))
            await uow.commit()
        log.info("requeued %d deliveries left in flight by a previous run", len(stranded))
