"""Macropay "Revup" API v2 — single-use orders, async payments, 3-D Secure, refunds, recurrences."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from ...context import SandboxContext
from ...engine import Decision, Operation, Payment, Policy, RuleViolation
from ...merchant.signing import MerchantRequest
from ...services.counters import TenantCounter
from ...services.credentials import Credential
from ...services.payments import Notification
from ...services.recurrences import Recurrences
from ..base import ApiError, FieldError, Principal, ProviderPlugin, Redirect
from . import auth, magic, mapping, routes, samples, subscriptions, webhooks

#: Orders live one hour (macropay.md §2.2), on the tenant clock.
ORDER_TTL_SECONDS = 3600


class MacropayPlugin(ProviderPlugin):
    name = "macropay"
    title = "Macropay Revup"
    base_paths = ("/v2",)
    api = routes.api
    magic_cards = magic.CARDS
    webhooks = webhooks.PROFILE
    samples = samples.SAMPLES
    default_credentials = (auth.DEFAULT,)
    #: One payment per order, within an hour; refunds partial and repeated while their sum
    #: stays within the paid amount. No authorizations, captures or voids in the API.
    policy = Policy(
        partial_refund=True,
        multiple_refunds=True,
        voidable=frozenset(),
        order_ttl_seconds=ORDER_TTL_SECONDS,
    )

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.recurrences = Recurrences(context.store, context.payments, context.tokens)
        #: Order ids are named by a durable per-tenant counter.
        self.orders = TenantCounter(context.store, "macropay:orders")

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        return auth.merchant_headers(credential, request)

    async def authenticate(self, request: web.Request) -> Principal:
        return await auth.authenticate(self, request)

    # --- errors: Revup's envelope, API Gateway's for what never reaches Revup ---------------

    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        if status == 403:
            return auth.denied()
        if status in mapping.GATEWAY_MESSAGES:
            return ApiError(status, mapping.gateway_body(mapping.GATEWAY_MESSAGES[status]))
        error = mapping.INTERNAL if status >= 500 else mapping.INVALID_REQUEST
        return ApiError(status, mapping.error_body(error))

    def violation(self, violation: RuleViolation) -> ApiError:
        error = mapping.violation_error(violation)
        return ApiError(error.status, mapping.error_body(error))

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        return ApiError(400, mapping.error_body(mapping.INVALID_REQUEST))

    def malformed_body(self) -> ApiError:
        return ApiError(400, mapping.error_body(mapping.PROBLEM_PARSING))

    def unsupported_media_type(self) -> ApiError:
        return self.malformed_body()

    def not_found(self) -> ApiError:
        return ApiError(403, mapping.gateway_body(mapping.MISSING_TOKEN))

    def payment_not_found(self) -> ApiError:
        return ApiError(400, mapping.error_body(mapping.NOT_FOUND))

    def method_not_allowed(self) -> ApiError:
        return self.not_found()

    def internal_error(self) -> ApiError:
        return ApiError(500, mapping.error_body(mapping.INTERNAL))

    def fault(self, status: int) -> ApiError:
        return self.error(status, "injected")

    # --- webhooks and hosted pages ----------------------------------------------------------

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        return webhooks.notifications(decision)

    async def wake(self, payment: Payment) -> None:
        """A subscription's next rebill is due (subscriptions.py)."""
        if payment.details.get("subscription"):
            await subscriptions.rebill(self, payment)

    def browser_return(self, payment: Payment, operation: Operation) -> Redirect | None:
        """After the challenge: ``redirectUrl.threeDSChallengeResult`` (the merchant's
        backoffice default does not exist in the sandbox: its own result page instead)."""
        url = (payment.details.get("redirectUrl") or {}).get("threeDSChallengeResult")
        return Redirect(url) if url else None

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return cls.api.document(
            title="psp-sandbox: Macropay Revup",
            version="2",
            description="The sandbox's Macropay (Revup) API v2, served under /macropay. Paths, "
            "fields, statuses and errors follow Revup's documentation; what it leaves open is "
            "sandbox-defined and listed in docs/fidelity/macropay.md.",
            servers=["/macropay"],
            security_schemes={"apiKey": {"type": "apiKey", "in": "header", "name": auth.HEADER}},
            security=[{"apiKey": []}],
        )
