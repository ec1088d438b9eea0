"""Webhook URLs registered per merchant: list them, set one, remove one."""

from __future__ import annotations

from aiohttp import web

from ..openapi import Answer
from ..providers.base import json_response
from ..services.merchant_webhooks import MerchantWebhook
from . import models as m
from .arguments import check_provider, context_of, optional_tenant, read_body, tenant_of
from .endpoints import E400, E404, TENANT_PARAMS, api
from .problems import AdminProblem

_ONE = "/merchant-webhooks/{provider}/{merchant}"


@api.get(
    "/merchant-webhooks",
    name="list_merchant_webhooks",
    parameters=[*TENANT_PARAMS, {"name": "provider", "in": "query", "schema": {"type": "string"}}],
    answers={200: Answer("Registered, then configured URLs", m.MerchantWebhookList), 400: E400},
)
async def list_merchant_webhooks(request: web.Request) -> web.StreamResponse:
    """Webhook URLs registered per merchant (a tenant's, or every tenant's) and configured."""
    ctx = context_of(request)
    provider = request.query.get("provider")
    check_provider(ctx, provider)
    found = await ctx.merchant_webhooks.listed(optional_tenant(request), provider)
    return json_response({"merchant_webhooks": [_view(w) for w in found]})


@api.route(
    "PUT",
    _ONE,
    name="set_merchant_webhook",
    body=m.MerchantWebhookRequest,
    parameters=TENANT_PARAMS,
    answers={200: Answer("The registration", m.MerchantWebhookView), 400: E400},
)
async def set_merchant_webhook(request: web.Request) -> web.StreamResponse:
    """Register where one merchant's webhooks go (``*``: every merchant of the tenant), as a
    merchant does in the provider's dashboard. Applies to transactions registered after it."""
    ctx = context_of(request)
    body = await read_body(request, m.MerchantWebhookRequest)
    provider = _per_merchant_provider(request)
    tenant = tenant_of(request, body.tenant)
    merchant = request.match_info["merchant"]
    registered = await ctx.merchant_webhooks.register(tenant, provider, merchant, body.url)
    return json_response(_view(registered))


@api.delete(
    _ONE,
    name="remove_merchant_webhook",
    parameters=TENANT_PARAMS,
    answers={200: Answer("Removed", dict[str, bool]), 400: E400, 404: E404},
)
async def remove_merchant_webhook(request: web.Request) -> web.StreamResponse:
    """Forget a tenant's registration for one merchant (configured URLs stay)."""
    ctx = context_of(request)
    provider = _per_merchant_provider(request)
    tenant = tenant_of(request)
    if not await ctx.merchant_webhooks.remove(tenant, provider, request.match_info["merchant"]):
        raise AdminProblem(404, "not_registered", "no webhook URL registered for that merchant")
    return json_response({"removed": True})


def _per_merchant_provider(request: web.Request) -> str:
    ctx = context_of(request)
    provider = request.match_info["provider"]
    check_provider(ctx, provider)
    profile = ctx.plugins[provider].webhooks
    if profile is None or not profile.registered_per_merchant:
        raise AdminProblem(
            400,
            "not_per_merchant",
            f"{provider} takes its webhook URL with each request, not per merchant",
        )
    return provider


def _view(webhook: MerchantWebhook) -> dict[str, str | None]:
    return {
        "provider": webhook.provider,
        "merchant": webhook.merchant,
        "url": webhook.url,
        "tenant": webhook.tenant,
    }
