"""The scenario file format (YAML or JSON), as pydantic models; its JSON Schema is generated
from them (``psp-sandbox scenario schema``, docs/scenario.schema.json).

Every string in a step may use ``{{ name }}`` placeholders (Jinja2 expressions; a string that
is one placeholder and nothing else takes the value's own type): ``webhook_url``, ``seed``,
``credentials.<provider>.<part>`` (``key``, ``secret``, ``pos_id``, ``store_id`` ... of the
provider's default test credential), and every value saved by an earlier call; the ``md5``
filter makes checksums (``{{ (a ~ '|' ~ b) | md5 }}``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import ConfigDict, Field, ValidationError

from ..wire import WireModel

SCHEMA_ID = "https://psp-sandbox.dev/schemas/scenario.schema.json"


class InvalidScenario(ValueError):
    """A scenario file that cannot be read or does not follow the format."""


class _Model(WireModel):
    model_config = ConfigDict(extra="forbid")


class _Step(_Model):
    name: str | None = Field(None, description="What the step does, for the report")


class CallExpectation(_Model):
    status: int | None = Field(None, description="The HTTP status of the answer")
    body: dict[str, Any] | None = Field(
        None, description="Fields the answer must have, with these values (others may be there)"
    )


class Call(_Step):
    """A call to a provider's API, by its operation name (see /<provider>/openapi.json)."""

    call: str = Field(
        description="`operation` of the scenario's provider, or `provider.operation`",
        examples=["payment", "macropay.create_order", "fiserv.submitPrimaryTransaction"],
    )
    path: dict[str, Any] = Field(
        default_factory=dict, description="Values of the operation's path parameters"
    )
    query: dict[str, Any] = Field(default_factory=dict, description="Query parameters")
    body: Any = Field(None, description="The JSON body, in the provider's own format")
    expect: CallExpectation | None = None
    save: dict[str, str] = Field(
        default_factory=dict,
        description="Values of the answer to keep for later steps: name -> dotted path "
        "(`payment_id`, `operations.0.status`)",
    )


class OutcomeAction(_Model):
    operation: str = "payment"
    outcome: str
    count: int = Field(1, ge=1)
    provider: str | None = None
    reference: str | None = None
    delay_seconds: int | None = Field(None, ge=0)


class QueueOutcome(_Step):
    """Force what the next matching operations end as (POST /_sandbox/outcomes)."""

    queue_outcome: OutcomeAction


class Fault(_Step):
    """Inject a fault or webhook chaos (POST /_sandbox/faults); fields as that call takes."""

    fault: dict[str, Any] = Field(
        examples=[{"kind": "duplicate"}, {"kind": "error", "status": 503}]
    )


class AdvanceClock(_Step):
    """Move the tenant's clock; what falls due runs (POST /_sandbox/clock)."""

    advance_clock: float = Field(ge=0, description="Seconds")


class ChallengeChoice(_Model):
    reference: str = Field(description="The merchant's order reference")
    provider: str | None = None
    choice: str = Field(
        description="`approve`, `decline`, `abandon`, or a choice the provider's page offers "
        "for the card (Fiserv's configurable cards: `A`, `U`, `R`)",
        examples=["approve", "decline", "abandon", "A", "U", "R"],
    )


class Challenge(_Step):
    """Answer the payment's 3-D Secure challenge as the cardholder would."""

    challenge: ChallengeChoice


class TerminalAction(_Model):
    reference: str = Field(description="The merchant's order reference")
    provider: str | None = None
    operation_id: str | None = Field(None, description="Defaults to the operation waiting")
    contactless: bool = False
    card_number: str | None = Field(None, description="Another card than the test card")
    pin: str | None = None
    remove_card: bool = False
    abort: bool = False


class Execute(_Step):
    """Act at a card-present terminal as the cardholder or the merchant would
    (POST /_sandbox/payments/{id}/execute): present the test card, a PIN, remove, abort."""

    execute: TerminalAction


class MerchantWebhookAction(_Model):
    merchant: str = Field(description="The provider's merchant id, or * for every merchant")
    url: str = Field(examples=["{{ webhook_url }}"])
    provider: str | None = None


class MerchantWebhook(_Step):
    """Register where a merchant's webhooks go, as a merchant does in a provider's dashboard
    (PUT /_sandbox/merchant-webhooks/{provider}/{merchant})."""

    merchant_webhook: MerchantWebhookAction


class DisputeAction(_Model):
    reference: str = Field(description="The merchant's order reference")
    provider: str | None = None
    stage: Literal["inquiry", "chargeback", "reversed", "won", "lost"] = Field(
        description="Open a dispute (`inquiry`, `chargeback`) or move the open one "
        "(`chargeback`, `reversed`, `won`, `lost`)"
    )
    amount: int | None = Field(
        None, ge=1, description="Minor units (default: everything captured and not refunded)"
    )
    reason: str | None = Field(None, description="The scheme's reason code (default 10.4)")
    category: str | None = None
    description: str | None = None


class Dispute(_Step):
    """Open or move a dispute on a payment as the cardholder's bank would
    (POST /_sandbox/payments/{id}/dispute)."""

    dispute: DisputeAction


class OperationExpectation(_Model):
    kind: str
    status: str | None = None
    amount: int | None = None


class PaymentExpectation(_Model):
    reference: str
    provider: str | None = None
    status: str | None = None
    amount: int | None = Field(None, description="Minor units, as every admin amount")
    authorized: int | None = None
    captured: int | None = None
    refunded: int | None = None
    disputed: int | None = Field(None, description="Minor units under dispute or lost to one")
    operations: list[OperationExpectation] | None = Field(
        None, description="The payment's operations, in order (kind, and status if given)"
    )


class ExpectPayment(_Step):
    """Check a payment as the admin API shows it (amounts in minor units)."""

    expect_payment: PaymentExpectation


class WebhookExpectation(_Model):
    event: str = Field(description="In the provider's words: purchase.success, payment.failed …")
    reference: str | None = Field(None, description="Only this order's webhooks")
    provider: str | None = None
    count: int = Field(1, ge=0, description="How many deliveries of it (copies included)")
    state: Literal["pending", "delivered", "failed", "dropped"] | None = "delivered"
    received: bool = Field(
        True, description="The scenario's receiver (webhook_url) got every accepted attempt"
    )


class ExpectWebhook(_Step):
    """Wait for webhooks in the delivery log (and at the receiver), then check them."""

    expect_webhook: WebhookExpectation


Step = Annotated[
    Call | QueueOutcome | Fault | AdvanceClock | Challenge | Execute | MerchantWebhook
    | Dispute | ExpectPayment | ExpectWebhook,
    Field(union_mode="left_to_right"),
]  # fmt: skip


class Scenario(_Model):
    """A scenario: steps run in order in a tenant of their own, reset first."""

    name: str
    description: str = ""
    provider: str | None = Field(None, description="The provider of calls that name none")
    steps: list[Step] = Field(min_length=1)


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file (``.yaml``, ``.yml`` or ``.json``)."""
    try:
        text = path.read_text()
    except OSError as error:
        raise InvalidScenario(f"{path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise InvalidScenario(f"{path}: not {path.suffix.lstrip('.').upper()}: {error}") from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "scenario"
        raise InvalidScenario(f"{path}: {where}: {first['msg']}") from None


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files (draft 2020-12)."""
    schema = Scenario.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "psp-sandbox scenario",
        **schema,
    }
