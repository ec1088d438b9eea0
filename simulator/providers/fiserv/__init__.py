"""Fiserv IPG / First Data Gateway REST API v2 — payments, secondary transactions, orders,
payment tokens and 3-D Secure, under ``/gateway/v2``, ``/ipp/payments-gateway/v2`` and the EMEA
sandbox's ``/sandbox/ipp/payments-gateway/v2``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from aiohttp import web

from ...appkeys import PLUGIN
from ...context import SandboxContext
from ...engine import Decision, Operation, OperationKind, Payment, Policy, Resolve, RuleViolation
from ...merchant.signing import MerchantRequest
from ...outcomes.challenge import ChallengeChoice
from ...services.credentials import Credential
from ...services.mutex import Mutexes
from ...services.payments import Scope
from ..base import ApiError, CardForm, FieldError, Principal, ProviderPlugin, Redirect
from . import (
    access,
    apm,
    auth,
    authentication,
    envelope,
    inquiry,
    magic,
    payment_url,
    payments,
    public,
    schedules,
    secondary,
    threeds,
    tokens,
    verification,
)
from .endpoints import SECURITY, SECURITY_SCHEMES, api, refused
from .mapping import Asked, gateway_error

K = OperationKind
#: Loaded for their endpoints (each module adds its own to ``api``).
_ROUTES = (
    access,
    apm,
    authentication,
    inquiry,
    payment_url,
    payments,
    schedules,
    secondary,
    tokens,
    verification,
)

BASE_PATHS = ("/gateway/v2", "/ipp/payments-gateway/v2", "/sandbox/ipp/payments-gateway/v2")
#: The 3-D Secure 1 update at its legacy path (LATAM 3DS fallback docs).
LEGACY_PATHS = {"finalizeSecureTransaction": "/ipgrestapi/v2/services/payments/{transaction_id}"}


class FiservPlugin(ProviderPlugin):
    name = "fiserv"
    title = "Fiserv IPG (First Data Gateway v2)"
    base_paths = BASE_PATHS
    api = api
    magic_cards = magic.CARDS
    webhooks = None  # the REST API has no merchant notifications (fiserv.md §1.9)
    default_credentials = (auth.DEFAULT,)
    #: Partial and split postAuths; partial, repeated returns within what was captured, from
    #: the day after the money moved (seed 003); voids on the same (tenant-clock) day, a
    #: preauth's on any day; a voided postAuth re-opens its preauth; preauths raised or
    #: lowered; captured money settles at the end of the day.
    policy = Policy(
        partial_capture=True,
        multiple_captures=True,
        partial_refund=True,
        multiple_refunds=True,
        voidable=frozenset({K.AUTH, K.SALE, K.CAPTURE, K.CREDIT}),
        void_same_day_only=True,
        void_any_day=frozenset({K.AUTH}),
        void_reopens_authorization=True,
        incremental_authorization=True,
        settles_daily=True,
        refund_next_day_only=True,
    )

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        #: One run of a schedule at a time, among every process sharing the store.
        self.schedule_runs = Mutexes(context.store)

    def create_app(self) -> web.Application:
        app = web.Application(middlewares=[self._echo, self._pipeline])
        app[PLUGIN] = self
        self.api.register(app, BASE_PATHS[0])
        self.api.register(app, BASE_PATHS[1], alias="ipp")
        self.api.register(app, BASE_PATHS[2], alias="emea")
        self.api.register(app, alias="ipgrestapi", only=LEGACY_PATHS)
        self.add_documents(app)
        app.router.add_post("/3ds-method", public.three_ds_method)
        return app

    @web.middleware
    async def _echo(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Every answer echoes this request's Client-Request-Id and carries an apiTraceId."""
        seed = self.context.ids.uuid("fiserv-trace", request.headers.get("Client-Request-Id"))
        envelope.begin(request, bytes.fromhex(seed.replace("-", "")))
        return await handler(request)

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        return auth.merchant_headers(credential, request)

    async def authenticate(self, request: web.Request) -> Principal:
        return await auth.authenticate(self, request)

    # --- errors -------------------------------------------------------------------------

    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        return envelope.edge(status, message, code=code)

    def violation(self, violation: RuleViolation) -> ApiError:
        error = gateway_error(violation.code, Asked.PRIMARY, None, None)
        return refused(error, self.context.clocks.real_now())

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        return envelope.bad_request(*(envelope.field(e.field, e.message) for e in errors))

    def malformed_body(self) -> ApiError:
        return envelope.bad_request(envelope.field("body", "malformed JSON"))

    def unsupported_media_type(self) -> ApiError:
        return envelope.error(415, envelope.UNSUPPORTED_MEDIA_TYPE, response_type=None)

    def not_found(self) -> ApiError:
        return envelope.edge(404, envelope.NOT_FOUND)

    def method_not_allowed(self) -> ApiError:
        return envelope.edge(405, "Method not allowed")

    def internal_error(self) -> ApiError:
        return envelope.edge(500, envelope.INTERNAL_ERROR)

    def fault(self, status: int) -> ApiError:
        messages = {
            400: envelope.INVALID_REQUEST,
            401: envelope.INVALID_API_KEY,
            403: envelope.SIGNATURE_INVALID,
            404: envelope.NOT_FOUND,
            415: envelope.UNSUPPORTED_MEDIA_TYPE,
            502: "There was a problem communicating with the endpoint.",
        }
        return envelope.edge(status, messages.get(status, envelope.INTERNAL_ERROR))

    # --- 3-D Secure ---------------------------------------------------------------------

    async def finish_challenge(
        self, payment: Payment, operation: Operation, choice: str
    ) -> Decision:
        """The ACS records the authentication; the authorization waits for the merchant's
        PATCH with the cRes (or PaRes) the browser brings back."""

        def build(current: Payment) -> list[Resolve]:
            op = current.operation(operation.id) or operation
            outcome, details = threeds.authenticated(op, choice)
            if threeds.is_hosted(op):  # the gateway's own page: no merchant PATCH follows
                outcome, details = threeds.finalize(replace(op, details={**op.details, **details}))
            return [Resolve(op.id, outcome, details)]

        scope = Scope(payment.tenant, payment.provider)
        return await self.context.payments.update(scope, payment.reference, build)

    def challenge_choices(
        self, payment: Payment, operation: Operation
    ) -> Sequence[ChallengeChoice]:
        """ "Challenge configurable" test cards let the tester choose Y, A, U, N or R."""
        return threeds.choices(operation)

    async def wake(self, payment: Payment) -> None:
        """A payment schedule's next run is due (schedules.py)."""
        if payment.details.get("schedule"):
            await schedules.run_due(self, self.schedule_runs, payment)

    async def pay_hosted(self, payment: Payment, card: CardForm) -> Decision:
        """A payment link paid on the hosted checkout page (payment_url.py)."""
        return await payment_url.pay_hosted(self, payment, card)

    def browser_return(self, payment: Payment, operation: Operation) -> Redirect | None:
        """The ACS posts ``cres`` (3DS 2) or ``PaRes`` and ``MD`` (3DS 1.0) to termURL."""
        state = operation.details.get("threeds") or {}
        term_url = state.get("term_url")
        if not term_url or threeds.phase_of(operation) != threeds.AUTHENTICATED:
            return None
        if threeds.version_of(operation) == "1.0":
            fields = {"PaRes": threeds.pares(operation), "MD": threeds.merchant_data(operation)}
        else:
            fields = {"cres": threeds.cres(operation)}
        return Redirect(term_url, "POST", fields)

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return cls.api.document(
            title="psp-sandbox: Fiserv IPG gateway v2",
            version="24.2.0-sandbox",
            description="The sandbox's Fiserv IPG (First Data Gateway) REST API v2, served "
            "under /fiserv/gateway/v2 and /fiserv/ipp/payments-gateway/v2. Paths, fields and "
            "errors follow Fiserv's specification and documentation; see "
            "docs/fidelity/fiserv.md.",
            servers=[f"/fiserv{path}" for path in BASE_PATHS],
            security_schemes=SECURITY_SCHEMES,
            security=SECURITY,
        )
