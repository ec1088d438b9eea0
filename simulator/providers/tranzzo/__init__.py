"""Tranzzo (cpay API) — payments, captures, voids, refunds, order status, signed webhooks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from ...engine import Decision, Operation, OperationKind, Payment, Policy, RuleViolation
from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ...services.payments import Notification
from ..base import ApiError, CardForm, FieldError, Principal, ProviderPlugin, Redirect
from . import auth, magic, mapping, orders, payments, samples, secondary, webhooks
from .endpoints import api

#: Loaded for their endpoints (each module adds its own to ``api``).
_ROUTES = (payments, secondary, orders)


class TranzzoPlugin(ProviderPlugin):
    name = "tranzzo"
    title = "Tranzzo"
    base_paths = ("/api/v1",)
    api = api
    magic_cards = magic.CARDS
    webhooks = webhooks.PROFILE
    samples = samples.SAMPLES
    default_credentials = (auth.DEFAULT,)
    #: One capture (full or partial) or one void per auth; refunds partial and repeated
    #: while their sum stays within the captured amount (tranzzo.md §2.12).
    policy = Policy(
        partial_capture=True,
        multiple_captures=False,
        partial_refund=True,
        multiple_refunds=True,
        voidable=frozenset({OperationKind.AUTH}),
    )

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        return auth.merchant_headers(credential, request)

    async def authenticate(self, request: web.Request) -> Principal:
        return await auth.authenticate(self, request)

    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        return ApiError(status, mapping.error_body(message, code or _code_for(status)))

    def violation(self, violation: RuleViolation) -> ApiError:
        spec = mapping.violation_spec(violation)
        return ApiError(spec.status, mapping.error_body(spec.message, spec.code))

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        first = errors[0] if errors else FieldError("body", "invalid")
        name = first.field.split(".")[0]
        return ApiError(
            400,
            mapping.error_body(
                f"Invalid {name} provided",
                mapping.INVALID_PARAMS,
                field_name=first.field,
                violation=f"Invalid value for {first.field}: {first.message}",
            ),
        )

    def malformed_body(self) -> ApiError:
        return self.error(400, "Request body is not valid JSON")

    def unsupported_media_type(self) -> ApiError:
        return self.error(406, "Content-Type must be application/json")

    def not_found(self) -> ApiError:
        return self.error(404, "Endpoint not found")

    def payment_not_found(self) -> ApiError:
        return self.error(404, "Order not found")

    def fault(self, status: int) -> ApiError:
        return self.error(
            status, "Service temporarily unavailable" if status >= 500 else "Request failed"
        )

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        return webhooks.notifications(decision)

    def browser_return(self, payment: Payment, operation: Operation) -> Redirect | None:
        url = payment.details.get("result_url")
        return Redirect(url) if url else None

    async def pay_hosted(self, payment: Payment, card: CardForm) -> Decision:
        return await payments.pay_hosted(self, payment, card)

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return cls.api.document(
            title="psp-sandbox: Tranzzo",
            version="1.0",
            description="The sandbox's Tranzzo API, served under /tranzzo. Paths, fields and "
            "errors follow Tranzzo's documentation; see docs/fidelity/tranzzo.md.",
            servers=["/tranzzo"],
            security_schemes={
                "cpayAuth": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-AUTH",
                    "description": "CPAY {API_KEY}:{API_SECRET}",
                },
                "endpointsKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"},
            },
            security=[{"cpayAuth": [], "endpointsKey": []}],
        )


def _code_for(status: int) -> str:
    return mapping.CODE_FOR_STATUS.get(status, f"P-{status}")
