"""Webhook URLs per merchant: a tenant's own registration wins over the configured ones."""

from __future__ import annotations

from psp_sandbox.simulator.services.merchant_webhooks import MerchantWebhook, MerchantWebhooks
from psp_sandbox.simulator.store import MemoryStore

CONFIGURED = [
    MerchantWebhook("payworks", "m-1", "https://configured.example/m-1"),
    MerchantWebhook("payworks", "*", "https://configured.example/any"),
]


async def registry() -> MerchantWebhooks:
    store = MemoryStore()
    await store.open()
    return MerchantWebhooks(store, CONFIGURED)


async def test_the_configured_url_of_the_merchant_wins_over_the_one_for_every_merchant() -> None:
    hooks = await registry()
    assert await hooks.url_for("t-1", "payworks", "m-1") == "https://configured.example/m-1"
    assert await hooks.url_for("t-1", "payworks", "m-2") == "https://configured.example/any"
    assert await hooks.url_for("t-1", "other", "m-1") is None


async def test_a_tenants_registration_wins_and_stays_in_its_tenant() -> None:
    hooks = await registry()
    await hooks.register("t-1", "payworks", "*", "https://t1.example/all")
    await hooks.register("t-1", "payworks", "m-2", "https://t1.example/m-2")
    assert await hooks.url_for("t-1", "payworks", "m-1") == "https://t1.example/all"
    assert await hooks.url_for("t-1", "payworks", "m-2") == "https://t1.example/m-2"
    assert await hooks.url_for("t-2", "payworks", "m-2") == "https://configured.example/any"
    listed = await hooks.listed("t-1", "payworks")
    assert [(w.merchant, w.tenant) for w in listed] == [
        ("*", "t-1"),
        ("m-2", "t-1"),
        ("m-1", None),
        ("*", None),
    ]


async def test_removing_a_registration_falls_back_to_the_configured_url() -> None:
    hooks = await registry()
    await hooks.register("t-1", "payworks", "m-1", "https://t1.example/m-1")
    assert await hooks.remove("t-1", "payworks", "m-1") is True
    assert await hooks.remove("t-1", "payworks", "m-1") is False
    assert await hooks.url_for("t-1", "payworks", "m-1") == "https://configured.example/m-1"
