"""A receiver that answers too late: the attempt is recorded as timed out and retried."""

from __future__ import annotations

from datetime import UTC, datetime

from psp_sandbox.simulator.services.clock import Clocks
from psp_sandbox.simulator.services.credentials import Credentials
from psp_sandbox.simulator.store import Delivery, DeliveryState, MemoryStore
from psp_sandbox.simulator.testing.sink import WebhookSink
from psp_sandbox.simulator.webhooks import Dispatcher, EncodedWebhook, WebhookProfile

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_an_answer_later_than_the_providers_limit_is_a_timed_out_attempt(
    webhook_sink: WebhookSink,
) -> None:
    store = MemoryStore()
    clocks = Clocks(store, lambda: NOW)
    impatient = WebhookProfile(
        encode=lambda d, secret: EncodedWebhook(b"{}", "application/json"), timeout_seconds=0.2
    )
    dispatcher = Dispatcher(
        store, clocks, Credentials(store, [], "open"), {"p": impatient}, owner="test"
    )
    delivery = Delivery(
        "d-1", "t1", "p", webhook_sink.url_for(), "e", {}, DeliveryState.PENDING, NOW, NOW
    )
    async with store.begin() as uow:
        uow.save_delivery(delivery)
        await uow.commit()
    webhook_sink.respond_with(200, delay=2)
    await dispatcher.start()
    try:
        assert await dispatcher.run_due() == (1, False)  # one attempt, none held elsewhere
    finally:
        await dispatcher.stop()
    async with store.begin() as uow:
        settled = await uow.get_delivery("d-1")
    assert settled is not None
    [attempt] = settled.attempts
    assert (attempt.status, attempt.timed_out) == (None, True)
    assert attempt.error == "no answer within 0.2 s"
    assert settled.state is DeliveryState.PENDING  # a retry is scheduled
