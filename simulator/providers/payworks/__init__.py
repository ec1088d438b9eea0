"""payworks platform backend API v2 — transaction sessions executed with the card present,
exact-amount card-present refunds, refunds without the card, webhooks per merchant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from ...context import SandboxContext
from ...engine import Decision, Policy, RuleViolation
from ...merchant.signing import MerchantRequest
from ...services.counters import TenantCounter
from ...services.credentials import Credential
from ...services.payments import Notification
from ..base import ApiError, FieldError, Principal, ProviderPlugin
from . import (  # noqa: F401
    auth,
    endpoints,
    magic,
    mapping,
    samples,
    sessions,
    transactions,
    webhooks,
)

#: A session is valid 15 minutes (payworks.md §1.9: created 11:03:34, validUntil 11:18:34).
SESSION_TTL_SECONDS = 900
#: pydantic error types that mean "this field is missing".
_MISSING = frozenset({"missing", "union_tag_not_found"})
#: The discriminator values pydantic puts into the location of a union member's error.
_TAGS = frozenset({"CHARGE", "REFUND"})


class PayworksPlugin(ProviderPlugin):
    name = "payworks"
    title = "payworks"
    base_paths = ("/v2",)
    api = endpoints.api
    magic_amounts = magic.AMOUNTS
    terminal = magic.PROFILE
    webhooks = webhooks.PROFILE
    default_credentials = (auth.DEFAULT,)
    samples = samples.SAMPLES
    #: A registered transaction lapses after 15 minutes; card-present refunds return exactly
    #: the charge, refunds without the card any part of it while their sum stays within it;
    #: no voids; charges clear at the next UTC midnight (refunds before or after clearing).
    policy = Policy(
        partial_refund=True,
        multiple_refunds=True,
        exact_registered_refunds=True,
        voidable=frozenset(),
        order_ttl_seconds=SESSION_TTL_SECONDS,
        settles_daily=True,
    )

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        #: Transaction, session and group identifiers are named by a durable counter.
        self.numbers = TenantCounter(context.store, "payworks:transactions")

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        return auth.merchant_headers(credential, request)

    async def authenticate(self, request: web.Request) -> Principal:
        return await auth.authenticate(self, request)

    # --- errors: the sandbox-defined envelope, with the SDK's error types ---------------------

    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        error = mapping.error_type_for(status)
        return ApiError(status, mapping.error_body(error, message))

    def violation(self, violation: RuleViolation, about: str | None = None) -> ApiError:
        """A broken rule; ``about`` says what the transaction is (handlers that know it)."""
        error, message = mapping.violation_error(violation, about)
        return ApiError(error.status, mapping.error_body(error, message))

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        first = errors[0] if errors else FieldError("body", "invalid")
        where = ".".join(part for part in first.field.split(".") if part not in _TAGS)
        if first.kind == "union_tag_not_found":
            where, message = f"{where}.type", "Field required (CHARGE or REFUND)"
        else:
            message = first.message.removeprefix("Value error, ")
        error = mapping.PARAMETER_MISSING if first.kind in _MISSING else mapping.PARAMETER_INVALID
        return ApiError(error.status, mapping.error_body(error, f"{where}: {message}"))

    def malformed_body(self) -> ApiError:
        error = mapping.PARAMETER_INVALID
        return ApiError(error.status, mapping.error_body(error, "The body is not valid JSON"))

    def unsupported_media_type(self) -> ApiError:
        error = mapping.UNSUPPORTED_MEDIA_TYPE
        return ApiError(error.status, mapping.error_body(error, "Send the body as JSON"))

    def not_found(self) -> ApiError:
        return ApiError(404, mapping.error_body(mapping.NOT_FOUND, "No such resource"))

    def payment_not_found(self) -> ApiError:
        error = mapping.SESSION_NOT_FOUND
        return ApiError(error.status, mapping.error_body(error, "No such transaction"))

    def method_not_allowed(self) -> ApiError:
        error = mapping.METHOD_NOT_ALLOWED
        return ApiError(error.status, mapping.error_body(error, "Method not allowed"))

    def internal_error(self) -> ApiError:
        error = mapping.SERVER_ERROR
        return ApiError(error.status, mapping.error_body(error, "Internal error"))

    # --- webhooks -----------------------------------------------------------------------------

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        return webhooks.notifications(self.context, decision)

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return cls.api.document(
            title="psp-sandbox: payworks",
            version="2",
            description="The sandbox's payworks platform backend API v2, served under "
            "/payworks. Paths, fields, statuses and dates follow payworks' documentation; "
            "the error envelope, the abort and card-not-present refund paths and what else it "
            "leaves open are sandbox-defined and listed in docs/fidelity/payworks.md.",
            servers=["/payworks"],
            security_schemes={
                "payworksApiIdentifier": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "payworks-apiIdentifier "
                    "apiIdentifier=<API_IDENTIFIER>,apiSecretKey=<API_SECRET_KEY>",
                }
            },
            security=[{"payworksApiIdentifier": []}],
        )
