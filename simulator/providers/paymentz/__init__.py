"""Paymentz transactionServices REST v1 — auth tokens, MD5 checksums, form or JSON in, JSON or
XML out; debits, preauths, captures, refunds, reversals, inquiries, payouts, repeated charges,
3-D Secure redirects, Standard Checkout and callbacks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from aiohttp import web

from ...appkeys import PLUGIN
from ...context import SandboxContext
from ...engine import (
    Decision,
    Operation,
    OperationKind,
    Payment,
    PaymentStatus,
    Policy,
    RuleViolation,
)
from ...merchant.signing import MerchantRequest
from ...services.credentials import Credential
from ...services.payments import Notification
from ..base import ApiError, CardForm, FieldError, Principal, ProviderPlugin, Redirect
from . import (
    auth,
    checkout,
    encoding,
    inquiries,
    magic,
    mapping,
    payments,
    payouts,
    samples,
    secondary,
    threeds,
    tokens,
    webhooks,
)
from .endpoints import SECURITY_SCHEMES, api
from .openapi import document
from .refusals import refused

#: Loaded for their endpoints (each module adds its own to ``api``).
_ROUTES = (tokens, payments, secondary, inquiries, payouts, checkout)

#: An unpaid Standard Checkout order lapses after this long (tenant clock; sandbox-defined).
CHECKOUT_TTL_SECONDS = 30 * 60


class PaymentzPlugin(ProviderPlugin):
    name = "paymentz"
    title = "Paymentz transactionServices"
    base_paths = ("/transactionServices/REST/v1",)
    api = api
    magic_cards = magic.CARDS
    webhooks = webhooks.PROFILE
    samples = samples.SAMPLES
    default_credentials = (auth.DEFAULT,)
    #: Captures full or partial, one per preauth; one refund per transaction, up to what was
    #: captured; reversals of a preauth only, whole; captured money settles at midnight.
    policy = Policy(
        partial_capture=True,
        multiple_captures=False,
        partial_refund=True,
        multiple_refunds=False,
        voidable=frozenset({OperationKind.AUTH}),
        order_ttl_seconds=CHECKOUT_TTL_SECONDS,
        settles_daily=True,
    )

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)

    def create_app(self) -> web.Application:
        app = web.Application(middlewares=[encoding.negotiate, self._pipeline])
        app[PLUGIN] = self
        self.api.register(app)
        self.add_documents(app)
        return app

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        return auth.merchant_headers(credential, request)

    async def authenticate(self, request: web.Request) -> Principal:
        return await auth.authenticate(self, request)

    # --- errors -------------------------------------------------------------------------

    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        return refused(_CODE_FOR_STATUS.get(status, _fallback(status)))

    def violation(self, violation: RuleViolation) -> ApiError:
        code, detail = mapping.violation_code(violation)
        return refused(code, detail)

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        name = errors[0].field if errors else "body"
        return refused(mapping.INVALID_PARAMETER, name)

    def malformed_body(self) -> ApiError:
        return refused(mapping.MALFORMED_BODY)

    def unsupported_media_type(self) -> ApiError:
        return refused(mapping.UNSUPPORTED_MEDIA_TYPE)

    def not_found(self) -> ApiError:
        return refused(mapping.UNKNOWN_ENDPOINT)

    def payment_not_found(self) -> ApiError:
        return refused(mapping.NOT_FOUND)

    def method_not_allowed(self) -> ApiError:
        return refused(mapping.METHOD_NOT_ALLOWED)

    def internal_error(self) -> ApiError:
        return refused(mapping.INTERNAL)

    def fault(self, status: int) -> ApiError:
        return self.error(status, "injected")

    # --- callbacks, 3-D Secure and the hosted pages ---------------------------------------

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        return webhooks.notifications(decision)

    def browser_return(self, payment: Payment, operation: Operation) -> Redirect | None:
        """The browser goes to TermUrl (with the ACS's PaRes after a challenge), which sends it
        on to merchantRedirectUrl with the result and its checksum."""
        challenged = any(
            change.operation_id == operation.id and change.new is PaymentStatus.ACTION_REQUIRED
            for change in payment.history
        )
        return threeds.to_term_url(payment, operation, challenged)

    async def pay_hosted(self, payment: Payment, card: CardForm) -> Decision:
        return await checkout.pay(self, payment, card)

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return document(cls.api, SECURITY_SCHEMES)


#: Answers to errors the pipeline raises by HTTP status (faults, unknown paths …).
_CODE_FOR_STATUS = {
    400: mapping.MALFORMED_BODY,
    401: mapping.TOKEN_INVALID,
    403: mapping.INVALID_CHECKSUM,
    404: mapping.UNKNOWN_ENDPOINT,
    405: mapping.METHOD_NOT_ALLOWED,
    409: mapping.NOT_ALLOWED,
    415: mapping.UNSUPPORTED_MEDIA_TYPE,
    500: mapping.INTERNAL,
    503: mapping.UNAVAILABLE,
}


def _fallback(status: int) -> mapping.ResultCode:
    """An HTTP status Paymentz has no code of its own for (an injected 429, 502 …)."""
    base = mapping.INTERNAL if status >= 500 else mapping.NOT_ALLOWED
    return mapping.ResultCode(base.code, base.description, status)
