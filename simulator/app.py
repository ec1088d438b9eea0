"""create_app(settings): the only module that wires every layer into one aiohttp application.

/<provider>/...     one sub-application per provider (its real paths under the mount)
/_sandbox/...       the admin API, its OpenAPI document, and the hosted pages
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from functools import partial

from aiohttp import web

from .appkeys import CONTEXT
from .context import SandboxContext
from .faults.injection import QueuedFaults
from .health import health
from .ids import Ids
from .journal.middleware import record_exchanges
from .journal.writer import JournalWriter
from .lazy_subapp import LazySubAppResource, add_lazy_subapp
from .mounts import mount_sandbox_parts
from .outcomes.processor import ProcessorData
from .outcomes.scripted import QueuedOutcomes
from .providers import PROVIDERS
from .providers.registry import EachProvider, Providers
from .services.clock import Clocks, utc_now
from .services.credentials import Credential, Credentials
from .services.merchant_webhooks import MerchantWebhook, MerchantWebhooks
from .services.mutex import process_owner
from .services.payments import PaymentService
from .services.scheduler import Scheduler
from .services.tenancy import own_tenant
from .services.tokens import CardTokens
from .settings import Settings
from .store import store_from_url
from .ui.pages import setup_templates
from .warmup import warm_up
from .webhooks import Dispatcher, WebhookProfile
from .webhooks.dispatcher import Limits

#: Apps made in this process (tests run several): each dispatcher claims under its own name.
_apps = itertools.count(1)


def create_app(
    settings: Settings, *, real_now: Callable[[], datetime] = utc_now
) -> web.Application:
    store = store_from_url(settings.store)
    ids = Ids(settings.seed)
    clocks = Clocks(store, real_now)
    # Every provider is imported and built when first needed (registry.py, lazy_subapp.py).
    plugins = Providers(PROVIDERS)
    credentials = Credentials(
        store,
        _configured_credentials(settings),
        settings.auth,
        defaults=EachProvider(plugins, lambda name: plugins[name].default_credentials),
    )
    profiles = EachProvider[WebhookProfile](plugins, lambda name: plugins[name].webhooks)
    dispatcher = Dispatcher(
        store,
        clocks,
        credentials,
        profiles,
        owner=settings.instance or f"{process_owner()}/{next(_apps)}",
        limits=Limits(per_tenant=settings.webhook_per_tenant, lease_seconds=settings.lease_seconds),
        poll_interval=settings.poll_interval,
    )
    outcomes, faults = QueuedOutcomes(), QueuedFaults()
    payments = PaymentService(
        store, clocks, ids, plugins, outcomes, faults, on_deliveries=dispatcher.wake
    )
    context = SandboxContext(
        settings=settings,
        store=store,
        ids=ids,
        clocks=clocks,
        credentials=credentials,
        payments=payments,
        scheduler=Scheduler(store, clocks, payments),
        dispatcher=dispatcher,
        processor=ProcessorData(ids),
        tokens=CardTokens(store),
        outcomes=outcomes,
        faults=faults,
        plugins=plugins,
        merchant_webhooks=MerchantWebhooks(store, _configured_webhooks(settings)),
        journal=JournalWriter(store),
    )
    plugins.bind(context)

    app = web.Application(middlewares=[record_exchanges])
    app[CONTEXT] = context
    setup_templates(app)
    # Only the health check is routed here; every other part is imported and built on its
    # first request (mounts.py, lazy_subapp.py) or by the warm-up once the port is open.
    app.router.add_get("/_sandbox/health", health)
    providers = [
        add_lazy_subapp(app, f"/{name}", partial(_provider_app, plugins, name)) for name in plugins
    ]
    # The providers first: the warm-up mounts them in this order.
    mounts = [*providers, *mount_sandbox_parts(app)]
    app.cleanup_ctx.append(partial(_lifecycle, mounts=mounts))
    return app


async def _provider_app(plugins: Providers, name: str) -> web.Application:
    return (await plugins.load(name)).create_app()


async def _lifecycle(
    app: web.Application, mounts: Sequence[LazySubAppResource]
) -> AsyncIterator[None]:
    """Open the store, then run the webhook dispatcher and the due-work scheduler until
    shutdown (aiohttp cleanup_ctx); meanwhile mount the providers and build what first
    requests would pay for."""
    context = app[CONTEXT]
    await context.store.open()
    await context.dispatcher.start()
    interval = context.settings.poll_interval
    tasks = [
        asyncio.create_task(context.dispatcher.run_forever(), name="webhook-dispatcher"),
        asyncio.create_task(context.scheduler.run_forever(interval), name="due-work"),
        asyncio.create_task(warm_up(mounts), name="warm-up"),
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await context.dispatcher.stop()
    await context.journal.close()
    await context.store.close()


def _configured_credentials(settings: Settings) -> list[Credential]:
    configured: list[Credential] = []
    for provider, entries in settings.credentials.items():
        configured.extend(
            Credential(
                provider,
                e.key,
                e.secret,
                e.tenant or own_tenant(provider, e.key),
                e.extra,
                configured=True,
            )
            for e in entries
        )
    return configured


def _configured_webhooks(settings: Settings) -> list[MerchantWebhook]:
    return [
        MerchantWebhook(provider, entry.merchant, entry.url)
        for provider, entries in settings.merchant_webhooks.items()
        for entry in entries
    ]
