"""The provider plugin contract, and the request pipeline every provider's sub-application shares.

A request to ``/<provider>/...`` passes, in order: route matching (unknown path → the provider's
404, wrong method → its 405), authentication (its own 401/403), injected faults, then the
handler. Whatever goes wrong is answered in the provider's own error envelope — never a bare
500 or a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from ..appkeys import CONTEXT, PLUGIN, PRINCIPAL
from ..connections import read_body_in_time
from ..context import SandboxContext
from ..engine import Decision, Operation, Payment, Policy, RuleViolation
from ..faults.injection import Fault
from ..merchant.samples import Sample
from ..merchant.signing import MerchantRequest
from ..openapi import Api
from ..origins import public_origin
from ..outcomes.challenge import STANDARD_CHOICES, ChallengeChoice, outcome_of_choice
from ..outcomes.magic import MagicCard
from ..outcomes.terminal import TerminalProfile
from ..services.credentials import Credential
from ..services.locks import KeyedLocks
from ..services.payments import Notification, PaymentNotFound, Scope
from ..services.tenancy import TenantRefused, chosen_tenant
from ..store import UnitOfWork
from ..store.retry import retried
from ..webhooks import WebhookProfile
from . import bodies

log = logging.getLogger(__name__)

#: Header that puts a request in a tenant of the caller's choosing (parallel test workers).
TENANT_HEADER = "X-Sandbox-Tenant"

Model = TypeVar("Model", bound=BaseModel)


class ApiError(Exception):
    """An answer in the provider's own error format. Raise it anywhere in a provider handler."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    def response(self) -> web.Response:
        return json_response(self.body, self.status, self.headers)


@dataclass(frozen=True, slots=True)
class FieldError:
    """One schema problem of a request body, in neutral form."""

    field: str
    message: str
    #: pydantic's error type (``missing``, ``extra_forbidden``, ``float_type`` …).
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the tenant the request belongs to and the credential it used."""

    tenant: str
    credential: Credential

    def scope(self) -> Scope:
        return Scope(self.tenant, self.credential.provider)


@dataclass(frozen=True, slots=True)
class CardForm:
    """What a cardholder typed on the hosted checkout page."""

    number: str
    expiry_month: int
    expiry_year: int
    cvv: str
    holder: str = ""


@dataclass(frozen=True, slots=True)
class Redirect:
    """Where a browser goes next (after a hosted page): a GET link or an auto-posted form."""

    url: str
    method: str = "GET"
    fields: Mapping[str, str] = field(default_factory=dict)


class ProviderPlugin(ABC):
    """One provider: its routes, rules, credentials, error envelope, webhooks and magic values."""

    name: ClassVar[str]
    title: ClassVar[str]
    policy: ClassVar[Policy]
    api: ClassVar[Api]
    #: The provider's own documented test cards; they win over the neutral table.
    magic_cards: ClassVar[Mapping[str, MagicCard]] = {}
    #: Test cards whose outcome the amount decides, one row per amount pattern (listed by
    #: ``GET /_sandbox/magic``; the provider applies them itself).
    magic_amounts: ClassVar[Sequence[MagicCard]] = ()
    #: Card-present providers: how presented cards read on the terminal (None: no terminal).
    terminal: ClassVar[TerminalProfile | None] = None
    #: How its webhooks are encoded, signed and retried (None: it sends none).
    webhooks: ClassVar[WebhookProfile | None] = None
    #: Path prefixes under the mount where the real API lives (for the banner and docs).
    base_paths: ClassVar[Sequence[str]] = ()
    #: The sandbox's documented test credentials for this provider.
    default_credentials: ClassVar[Sequence[Credential]] = ()
    #: The webhooks ``psp-sandbox trigger`` can make it send, by event name.
    samples: ClassVar[Mapping[str, Sample]] = {}

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        #: Reruns of a fault take after a Conflict, one at a time per tenant in this process.
        self._fault_reruns = KeyedLocks()

    # --- wiring -------------------------------------------------------------------------

    def create_app(self) -> web.Application:
        app = web.Application(middlewares=[self._pipeline])
        app[PLUGIN] = self
        self.api.register(app)
        self.add_documents(app)
        return app

    def add_documents(self, app: web.Application) -> None:
        """``GET /openapi.json``: the provider's OpenAPI document, no credentials needed.

        Built on first request, not at start: generating the JSON schemas of every provider's
        models took about a second of the start-up. The document is derived from code only,
        so every process builds the same one."""
        built: list[dict[str, Any]] = []

        async def serve(request: web.Request) -> web.StreamResponse:
            if not built:
                built.append(self.openapi())
            return json_response(built[0])

        app.router.add_get("/openapi.json", serve, name="openapi")

    @classmethod
    @abstractmethod
    def openapi(cls) -> dict[str, Any]:
        """The OpenAPI document of this provider's sandbox API (served at /<name>/openapi.json)."""

    def notifications(self, decision: Decision) -> Iterable[Notification]:
        """The webhooks a decision causes (none unless the provider sends webhooks)."""
        return ()

    async def wake(self, payment: Payment) -> None:
        """Work of the provider's own that falls due at ``payment.wake_at`` (a scheduled
        charge, a plan's next rebill). Idempotent: it may run again after a crash."""
        return None

    async def finish_challenge(
        self, payment: Payment, operation: Operation, choice: str
    ) -> Decision:
        """The cardholder's choice on the hosted 3-D Secure page (or the admin API's stand-in
        for it). By default the challenged operation ends at once with what the choice means;
        a provider whose merchant completes the authentication with an API call of its own
        records the result here and finishes the operation in that call."""
        outcome = outcome_of_choice(operation, choice)
        return await self.context.payments.resolve(payment, operation.id, outcome)

    def challenge_choices(
        self, payment: Payment, operation: Operation
    ) -> Sequence[ChallengeChoice]:
        """The buttons of the hosted 3-D Secure page for this challenge. A provider whose
        test cards let the tester pick the authentication result offers more than Approve /
        Decline / Abandon; those three are accepted by every page anyway."""
        return STANDARD_CHOICES

    def browser_return(self, payment: Payment, operation: Operation) -> Redirect | None:
        """Where a hosted page (3-D Secure challenge, checkout) sends the browser when done."""
        return None

    async def pay_hosted(self, payment: Payment, card: CardForm) -> Decision:
        """Pay an order created for the hosted checkout page with the card typed there."""
        raise self.error(404, f"{self.title} has no hosted payment page")

    # --- credentials --------------------------------------------------------------------

    @classmethod
    def merchant_headers(
        cls, credential: Credential, request: MerchantRequest
    ) -> Mapping[str, str]:
        """The headers a merchant's request carries to authenticate with ``credential`` (for
        scenario files and ``trigger``, which act as the merchant)."""
        return {}

    @abstractmethod
    async def authenticate(self, request: web.Request) -> Principal:
        """Check the request's credentials; raise the provider's own 401/403 ApiError. The
        pipeline then places the request in the tenant ``tenant_for`` allows, whatever tenant
        the returned Principal names."""

    # --- errors in the provider's own envelope ------------------------------------------

    @abstractmethod
    def error(self, status: int, message: str, code: str | None = None) -> ApiError:
        """A generic error answer with this HTTP status, in the provider's envelope."""

    @abstractmethod
    def violation(self, violation: RuleViolation) -> ApiError:
        """A broken payment rule, rendered as this provider reports it."""

    def invalid_body(self, errors: Sequence[FieldError]) -> ApiError:
        first = errors[0] if errors else FieldError("body", "invalid")
        return self.error(400, f"Invalid {first.field}: {first.message}")

    def malformed_body(self) -> ApiError:
        return self.error(400, "Malformed JSON body")

    def unsupported_media_type(self) -> ApiError:
        return self.error(415, "Unsupported Media Type")

    def not_found(self) -> ApiError:
        return self.error(404, "Not found")

    def payment_not_found(self) -> ApiError:
        return self.not_found()

    def method_not_allowed(self) -> ApiError:
        return self.error(405, "Method not allowed")

    def internal_error(self) -> ApiError:
        return self.error(500, "Internal error")

    def fault(self, status: int) -> ApiError:
        """An injected HTTP error answer."""
        return self.error(status, "Injected fault")

    # --- helpers for handlers -----------------------------------------------------------

    async def read(self, request: web.Request, model: type[Model]) -> Model:
        """Parse a JSON body into ``model`` — its numbers exactly (``bodies.py``) — answering
        bad input in the provider's envelope."""
        # The header as nearly every client writes it needs no parsing (~2 µs of aiohttp's).
        exact = request.headers.get("Content-Type") == "application/json"
        if not exact and request.content_type != "application/json":
            raise self.unsupported_media_type()
        raw = await request.read()
        try:
            return bodies.validate(model, raw)
        except bodies.MalformedBody:
            raise self.malformed_body() from None
        except ValidationError as invalid:
            raise self.invalid_body(field_errors(invalid)) from None

    def principal(self, request: web.Request) -> Principal:
        return request[PRINCIPAL]

    def tenant_for(self, request: web.Request, credential: Credential) -> str:
        """The tenant a request acts in: its credential's own, or the one X-Sandbox-Tenant
        chooses — any in open mode, only a sub-tenant of the credential's own in strict mode
        (``services/tenancy.py``). Every provider's authentication names its tenant here."""
        mode = self.context.credentials.mode
        try:
            return chosen_tenant(mode, credential.tenant, request.headers.get(TENANT_HEADER))
        except TenantRefused as refused:
            raise self.error(refused.status, str(refused)) from None

    # --- the pipeline -------------------------------------------------------------------

    @web.middleware
    async def _pipeline(self, request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            await read_body_in_time(request, self.context.settings.body_timeout)
            match = request.match_info
            if match.http_exception is not None:
                raise match.http_exception
            endpoint = self.api.endpoint(match.route.name or "")
            if endpoint is not None and not endpoint.public:
                principal = await self.authenticate(request)
                principal = self._in_reach(request, principal)
                request[PRINCIPAL] = principal
                await self.context.clocks.ensure(principal.tenant)
                fault = await self._take_fault(principal, endpoint.name)
                if fault is not None:
                    early = await self._inject(request, fault)
                    if early is not None:
                        return early
            response: web.StreamResponse = await handler(request)
            return response
        except ApiError as error:
            return error.response()
        except RuleViolation as violation:
            return self.violation(violation).response()
        except PaymentNotFound:
            return self.payment_not_found().response()
        except web.HTTPNotFound:
            return self.not_found().response()
        except web.HTTPMethodNotAllowed:
            return self.method_not_allowed().response()
        except web.HTTPException as http:
            if http.status < 400:
                raise
            return self.error(http.status, http.reason).response()
        except (asyncio.CancelledError, ConnectionError):
            raise  # the client went away: nobody to answer, nothing of ours to log
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            return self.internal_error().response()

    def _in_reach(self, request: web.Request, principal: Principal) -> Principal:
        """The tenant rule holds for every provider: a request acts in the tenant its
        credential may reach (``tenant_for``), never in one its authentication chose."""
        tenant = self.tenant_for(request, principal.credential)
        return principal if principal.tenant == tenant else Principal(tenant, principal.credential)

    async def _take_fault(self, principal: Principal, operation: str) -> Fault | None:
        async def take(uow: UnitOfWork) -> Fault | None:
            fault = await self.context.faults.next_request_fault(
                uow, principal.tenant, self.name, operation
            )
            if fault is not None:
                await uow.commit()
            return fault

        tenant = principal.tenant
        return await retried(
            self.context.store,
            take,
            reruns=lambda: self._fault_reruns.hold(tenant),
            in_line=self._fault_reruns.busy(tenant),
        )

    async def _inject(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        log.info("injecting %s fault into %s %s", fault.kind, request.method, request.path)
        match fault.kind:
            case "error":
                raise self.fault(fault.status)
            case "latency":
                await asyncio.sleep(fault.latency_ms / 1000)
                return None
            case "malformed":
                return web.Response(
                    body=b'{"status": "succ', status=200, content_type="application/json"
                )
            case "reset":
                _reset_connection(request)
                return web.Response(status=500)
        return None


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=orjson.dumps(body), status=status, headers=headers, content_type="application/json"
    )


#: Bodies are validated from parsed JSON (``bodies.py``): say what pydantic says of JSON text,
#: not of Python objects ("a valid dictionary or instance of OrderRequest").
_JSON_WORDING = {
    "model_type": "Input should be an object",
    "dict_type": "Input should be an object",
    "list_type": "Input should be a valid array",
}


def field_errors(invalid: ValidationError) -> list[FieldError]:
    return [
        FieldError(
            ".".join(str(part) for part in e["loc"]) or "body",
            _JSON_WORDING.get(e["type"], e["msg"]),
            e["type"],
        )
        for e in invalid.errors(include_url=False)
    ]


def origin_of(request: web.Request) -> str:
    """``http://127.0.0.1:8480``: the origin of the links the sandbox hands out — never a host
    the client merely claimed (``origins.py``)."""
    return public_origin(request, context_of(request).settings)


def context_of(request: web.Request) -> SandboxContext:
    return request.config_dict[CONTEXT]


def plugin_of(request: web.Request) -> ProviderPlugin:
    return request.config_dict[PLUGIN]


def _reset_connection(request: web.Request) -> None:
    """Close the connection with a TCP reset, as a crashed gateway would."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
