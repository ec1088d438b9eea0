"""Wire models of the admin API (requests validated, answers documented in its OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictBool, model_validator

from ..faults.injection import FaultKind
from ..outcomes.scripted import OperationName, OutcomeName
from ..services.tenancy import TENANT_PATTERN
from ..wire import WireModel

#: Every amount of the admin API: an integer in the currency's minor units (ISO 4217 exponent).
MinorUnits = Annotated[
    int,
    Field(
        description="Minor units of the payment's currency (1250 is 12.50 EUR, 1250 JPY is 1250)",
        json_schema_extra={"format": "minor-units"},
    ),
]

Tenant = Field(
    None,
    pattern=TENANT_PATTERN,
    description="Defaults to the X-Sandbox-Tenant header or the ?tenant= query parameter",
)


class _Body(WireModel):
    model_config = ConfigDict(extra="forbid")


class ResetRequest(_Body):
    """Forget one tenant's state, or, with ``all``, every tenant's (never by default)."""

    tenant: str | None = Tenant
    all: StrictBool = Field(False, description="Reset every tenant; name no tenant then")


class ClockRequest(_Body):
    tenant: str | None = Tenant
    #: Any finite amount; the clock's own bound (year 9000) is checked against the store.
    advance_seconds: float = Field(ge=0, le=10_000 * 366 * 86_400)


class OutcomeRequest(_Body):
    """Queue outcomes: the next ``count`` matching operations end as ``outcome``; or, with
    ``outcomes``, a script: the first matching operation ends as the first one, and so on."""

    tenant: str | None = Tenant
    provider: str | None = None
    operation: OperationName = "payment"
    reference: str | None = Field(None, description="Only operations on this order")
    outcome: OutcomeName | None = None
    outcomes: list[OutcomeName] | None = Field(None, min_length=1, max_length=100)
    count: int = Field(1, ge=1, le=10_000)
    delay_seconds: int | None = Field(
        None, ge=0, le=30 * 86_400, description="For pending_* outcomes"
    )


class FaultRequest(_Body):
    """Inject faults: the next ``count`` calls of ``operation`` (a provider route name, or
    any) fail as ``kind`` says; webhook kinds (drop, delay, duplicate, reorder, timeout) act
    on the next notifications."""

    tenant: str | None = Tenant
    provider: str | None = None
    operation: str | None = Field(None, description="Route name; see GET /_sandbox/providers")
    kind: FaultKind
    status: int | None = Field(None, ge=400, le=599, description="For kind=error")
    latency_ms: int | None = Field(None, ge=0, le=120_000, description="For kind=latency")
    seconds: int | None = Field(None, ge=0, le=30 * 86_400, description="For kind=delay")
    order: Literal["reverse", "shuffle"] | None = Field(
        None, description="For kind=reorder: how the group goes out (default reverse)"
    )
    seed: int | None = Field(None, description="For kind=reorder with order=shuffle")
    spacing_seconds: float | None = Field(
        None, gt=0, le=3600, description="For kind=reorder: tenant time between sends (1)"
    )
    hold_seconds: int | None = Field(
        None,
        ge=1,
        le=30 * 86_400,
        description="For kind=reorder: a delivery waits at most this long for its group (300)",
    )
    attempts: int | None = Field(
        None, ge=1, le=100, description="For kind=timeout: attempts whose answer is ignored (1)"
    )
    count: int = Field(
        1, ge=1, le=10_000, description="How many calls or webhooks; for reorder, the group size"
    )


class ChallengeRequest(_Body):
    choice: str = Field(
        min_length=1,
        max_length=32,
        description="approve, decline or abandon — or a choice the provider's page offers "
        "for the card (Fiserv's configurable cards: Y, A, U, N, R)",
    )


class ExecuteRequest(_Body):
    """What the person at a card-present terminal does. An empty body presents (inserts) the
    provider's test card; a ``pin`` is entered once the card asks for one."""

    operation_id: str | None = Field(
        None, description="Defaults to the operation waiting at the terminal"
    )
    contactless: bool = Field(False, description="Tap the card instead of inserting it")
    card_number: str | None = Field(
        None,
        pattern=r"^[0-9]{12,19}$",
        description="Present this card (a neutral magic card ...) instead of the test card",
    )
    pin: str | None = Field(
        None, pattern=r"^[0-9]{4,12}$", description="The PIN, if the card asks (never stored)"
    )
    remove_card: bool = Field(False, description="Take the card out while the PIN is asked")
    abort: bool = Field(False, description="Abort the transaction")

    @model_validator(mode="after")
    def _one_ending(self) -> ExecuteRequest:
        if self.abort and self.remove_card:
            raise ValueError("abort or remove_card, not both")
        return self


class MerchantWebhookRequest(_Body):
    tenant: str | None = Tenant
    url: str = Field(pattern=r"^https?://\S+$", max_length=2048)


class ResolveRequest(_Body):
    """Finish a pending operation now with the given outcome."""

    outcome: OutcomeName
    operation_id: str | None = Field(None, description="Defaults to the pending operation")


class DisputeRequest(_Body):
    """Open a dispute (stage ``inquiry`` or ``chargeback``) or move the payment's open one
    (``chargeback``, ``reversed``, ``won``, ``lost``)."""

    stage: Literal["inquiry", "chargeback", "reversed", "won", "lost"]
    amount: int | None = Field(
        None,
        ge=1,
        le=10**15,
        description="Minor units, as payment views show amounts (1250 = 12.50 EUR); opening: "
        "default everything not yet refunded or disputed; escalating an inquiry may change it",
    )
    reason: str | None = Field(
        None,
        min_length=1,
        max_length=20,
        description="The scheme's reason code (10.4, 13.1, 4837 ...); opening: default 10.4",
    )
    category: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=400)


# --- answers ----------------------------------------------------------------------------------


class Health(WireModel):
    status: Literal["ok"]
    #: The store's URL, its password masked.
    store: str
    providers: list[str]
    #: The name this process claims work under, and its process id (which of several answered).
    instance: str
    pid: int


class ErrorDetail(WireModel):
    code: str
    message: str


class AdminError(WireModel):
    error: ErrorDetail


class OperationView(WireModel):
    id: str
    kind: str
    amount: MinorUnits
    status: str
    reason: str
    created_at: str
    updated_at: str
    target_id: str | None
    due_at: str | None
    details: dict[str, Any]


class StatusChangeView(WireModel):
    at: str
    old: str | None
    new: str
    operation_id: str | None


class AttemptView(WireModel):
    at: str
    status: int | None
    latency_ms: int
    error: str | None
    response: str
    request: str = Field(description="The first bytes sent, card numbers masked")
    signature: str | None = Field(description="The provider's signature on it, if it signs")
    timed_out: bool = Field(description="No answer counted within the provider's time limit")


class DeliveryView(WireModel):
    id: str
    tenant: str
    provider: str
    payment_id: str | None
    operation_id: str | None
    event: str
    url: str
    state: str
    due_at: str
    created_at: str
    copy_of: str | None
    faults: list[dict[str, Any]] = Field(description="Webhook chaos applied to it, as queued")
    payload: dict[str, Any]
    attempts: list[AttemptView]
    timeouts: int = Field(description="Attempts whose answer did not come in time")


class ExchangeView(WireModel):
    """One request that acted on the payment, as answered (card numbers masked)."""

    at: str
    method: str
    path: str
    status: int
    latency_ms: int
    source: str = Field(description="A provider's name, admin, or page (a hosted page)")
    request: str
    response: str


class DisputeChangeView(WireModel):
    at: str
    old: str | None
    new: str
    amount: int


class DisputeView(WireModel):
    id: str
    stage: str
    amount: int
    reason: str
    category: str | None
    description: str | None
    opened_at: str
    updated_at: str
    history: list[DisputeChangeView]


class PaymentView(WireModel):
    id: str
    tenant: str
    provider: str
    reference: str
    currency: str = Field(description="ISO 4217 code")
    amount: MinorUnits
    intent: str
    status: str
    authorized: MinorUnits
    captured: MinorUnits
    refunded: MinorUnits
    capture_open: bool
    #: Minor units under dispute or lost to one.
    disputed: int
    created_at: str
    updated_at: str
    expires_at: str | None
    due_at: str | None
    operations: list[OperationView]
    history: list[StatusChangeView]
    disputes: list[DisputeView]
    details: dict[str, Any]
    webhooks: list[DeliveryView] | None = None
    requests: list[ExchangeView] | None = None


class PaymentList(WireModel):
    payments: list[PaymentView]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null: last")


class DeliveryList(WireModel):
    webhooks: list[DeliveryView]
    next_cursor: str | None = None


class MerchantWebhookView(WireModel):
    provider: str
    merchant: str
    url: str
    tenant: str | None = Field(description="None: configured, for every tenant")


class MerchantWebhookList(WireModel):
    merchant_webhooks: list[MerchantWebhookView]


class ClockView(WireModel):
    tenant: str
    now: str
    offset_seconds: float
    ticked: int | None = None
    webhooks_attempted: int | None = None


class QueueView(WireModel):
    tenant: str
    entries: list[dict[str, Any]]


class MagicCardView(WireModel):
    card_number: str
    #: The amounts this row is about, for cards whose outcome the amount decides.
    amount: str | None = None
    result: str
    reason: str
    description: str
    #: The request the outcome needs ("" for any request with the card).
    condition: str = ""
    source: Literal["provider", "neutral"]


class ProviderView(WireModel):
    name: str
    title: str
    mount: str
    base_paths: list[str]
    operations: list[str]
    sends_webhooks: bool


class TenantView(WireModel):
    tenant: str
    payments: int
    last_payment_at: str | None
    offset_seconds: float


class TenantList(WireModel):
    tenants: list[TenantView]


class CaseView(WireModel):
    """A case document (docs/cases.md): format, version, tenant, clock, payments, deliveries,
    documents, credentials."""

    model_config = ConfigDict(extra="allow")

    format: Literal["psp-sandbox/case"]
    version: int
    tenant: str


class ImportView(WireModel):
    tenant: str
    from_tenant: str
    payments: int
    deliveries: int
    documents: int
    credentials: int = Field(description="Provisioned credentials restored")
    credentials_skipped: int = Field(
        description="Credentials left as the sandbox has them (configured, known, or masked)"
    )
