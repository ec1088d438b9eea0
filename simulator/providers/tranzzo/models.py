"""Tranzzo wire models: request bodies (validated as Tranzzo documents them) and answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.config import JsonDict

from ...engine.money import is_currency
from ...wire import WireModel
from ..amounts import MajorUnits
from ..free_text import FreeText

#: The largest amount the sandbox accepts (sandbox-defined; Tranzzo documents none).
MAX_AMOUNT = Decimal("999999999.99")

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _iso_currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("must be an ISO 4217 currency code")
    return value


#: "Must be a positive number. The number of decimal digits must be ≤ 2 (100.00, 250, 50.50)."
#: Numeric strings are taken too (sandbox leniency, as Tranzzo's own backend parses them).
Amount = Annotated[Decimal, MajorUnits(maximum=MAX_AMOUNT, strings=True, places=2)]
#: Product figures (fiscal data the sandbox keeps but does not act on).
Figure = Annotated[Decimal, MajorUnits(maximum=MAX_AMOUNT, minimum="zero", strings=True)]
Currency = Annotated[str, Field(min_length=3, max_length=3), AfterValidator(_iso_currency)]
PosId = Annotated[str, Field(pattern=UUID_PATTERN, description="Merchant's POS_ID (UUID)")]
OrderId = Annotated[str, Field(min_length=1, max_length=32, description="Merchant's order id")]
Comment = Annotated[FreeText, Field(max_length=2048)]
Url = Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^https?://")]


class _Request(WireModel):
    # Tranzzo does not document rejecting unknown fields; legacy ones (order_amount, refund_date)
    # are still sent by old integrations, so unknown fields are ignored.
    model_config = ConfigDict(extra="ignore")


class Product(_Request):
    id: str | None = None
    url: str | None = None
    category: str | None = None
    description: FreeText | None = None
    currency: str | None = None
    amount: Figure | None = None
    price_type: str | None = None
    vat: Figure | None = None
    qty: Figure | None = None
    payload: FreeText | None = None


class BrowserFingerprint(_Request):
    browserColorDepth: str | int | None = None
    browserScreenHeight: str | int | None = None
    browserScreenWidth: str | int | None = None
    browserJavaEnabled: str | bool | None = None
    browserLanguage: str | None = None
    browserTimeZone: str | None = None
    browserTimeZoneOffset: str | int | None = None
    browserAcceptHeader: str | None = None
    browserIpAddress: str | None = None
    browserUserAgent: str | None = None


#: The sandbox's documented default POS_ID, used in the request examples.
EXAMPLE_POS = "7f0a3c1e-5b2d-4e8f-9a6b-0c1d2e3f4a5b"


def _examples(*examples: JsonDict) -> ConfigDict:
    return ConfigDict(extra="ignore", json_schema_extra={"examples": list(examples)})


class PaymentRequest(_Request):
    """POST /api/v1/payment — purchase, auth or credit; direct (card data) or hosted (a page)."""

    model_config = _examples(
        {
            "pos_id": EXAMPLE_POS,
            "mode": "direct",
            "method": "purchase",
            "amount": 100.5,
            "currency": "UAH",
            "description": "Order 1",
            "order_id": "example-purchase",
            "order_3ds_bypass": "supported",
            "cc_number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 30,
            "card_cvv": "123",
            "server_url": "http://127.0.0.1:9/webhooks",
        },
        {
            "pos_id": EXAMPLE_POS,
            "mode": "direct",
            "method": "auth",
            "amount": 40,
            "currency": "UAH",
            "description": "Order 2",
            "order_id": "example-auth",
            "order_3ds_bypass": "always",
            "cc_number": "5454545454545454",
            "exp_month": 1,
            "exp_year": 31,
            "card_cvv": "321",
        },
    )

    pos_id: PosId
    mode: Literal["direct", "hosted"]
    method: Literal["purchase", "auth", "credit", "lookup", "p2p"]
    amount: Amount
    currency: Currency
    description: FreeText = Field(min_length=1, max_length=1024)
    order_id: OrderId
    order_3ds_bypass: Literal["supported", "always", "never"]
    cc_number: str | None = Field(None, pattern=r"^[0-9 ]{12,23}$")
    exp_month: int | None = Field(None, ge=1, le=12)
    exp_year: int | None = Field(None, ge=0, le=2099)
    card_cvv: str | None = Field(None, pattern=r"^[0-9]{3,4}$")
    cc_token: str | None = Field(None, min_length=1, max_length=256)
    products: list[Product] | None = None
    customer_id: str | None = Field(None, max_length=256)
    customer_fname: FreeText | None = Field(None, max_length=256)
    customer_lname: FreeText | None = Field(None, max_length=256)
    customer_patronym: FreeText | None = Field(None, max_length=256)
    customer_email: str | None = Field(None, max_length=256)
    customer_phone: str | None = Field(None, max_length=64)
    customer_ip: str | None = Field(None, max_length=64)
    customer_country: str | None = Field(None, min_length=2, max_length=2)
    server_url: Url | None = None
    result_url: Url | None = None
    merchant_mcc: str | None = Field(None, pattern=r"^[0-9]{4}$")
    payload: FreeText | None = Field(None, max_length=4096)
    customer_referrer: str | None = Field(None, max_length=2048)
    browser_fingerprint: BrowserFingerprint | None = None
    payway: Literal["cc", "privat24"] | None = None


class _Secondary(_Request):
    pos_id: PosId
    order_id: OrderId
    order_currency: Currency
    comment: Comment | None = None
    server_url: Url | None = None


class CaptureRequest(_Secondary):
    """POST /api/v1/capture — all of the authorization, or ``charge_amount`` of it."""

    model_config = _examples(
        {
            "pos_id": EXAMPLE_POS,
            "order_id": "example-auth",
            "order_currency": "UAH",
            "charge_amount": 30,
            "comment": "first shipment",
        },
    )

    charge_amount: Amount | None = None
    products: list[Product] | None = None


class SplitPart(_Request):
    """One sub-merchant's share of a split capture."""

    amount: Amount
    sub_merchant_id: str | None = Field(None, min_length=1, max_length=64)
    #: The name the PHP SDK (dotsplatform) sends for the sub-merchant.
    id: str | None = Field(None, min_length=1, max_length=64)

    @property
    def merchant(self) -> str:
        return self.sub_merchant_id or self.id or ""

    @model_validator(mode="after")
    def _named(self) -> SplitPart:
        if not self.merchant:
            raise ValueError("sub_merchant_id is required")
        return self


class SplitCaptureRequest(_Secondary):
    """POST /api/v1/split/capture — ``charge_amount`` of the authorization, shared among
    sub-merchants; the shares add up to it."""

    model_config = _examples(
        {
            "pos_id": EXAMPLE_POS,
            "order_id": "example-auth",
            "order_currency": "UAH",
            "charge_amount": 30,
            "split": [
                {"amount": 20, "sub_merchant_id": "sub-merchant-1"},
                {"amount": 10, "sub_merchant_id": "sub-merchant-2"},
            ],
        },
    )

    charge_amount: Amount
    split: list[SplitPart] = Field(min_length=1, max_length=100)
    products: list[Product] | None = None

    @field_validator("split")
    @classmethod
    def _shares_add_up(cls, split: list[SplitPart], info: ValidationInfo) -> list[SplitPart]:
        charged = info.data.get("charge_amount")
        if charged is not None and sum(part.amount for part in split) != charged:
            raise ValueError("the split amounts must add up to charge_amount")
        return split


class VoidRequest(_Secondary):
    """POST /api/v1/void — cancels the whole authorization (there is no amount)."""

    model_config = _examples(
        {"pos_id": EXAMPLE_POS, "order_id": "example-auth", "order_currency": "UAH"}
    )


class RefundRequest(_Secondary):
    """POST /api/v1/refund — the whole payment, or ``refund_amount`` of it."""

    model_config = _examples(
        {
            "pos_id": EXAMPLE_POS,
            "order_id": "example-purchase",
            "order_currency": "UAH",
            "refund_amount": 20.5,
            "comment": "returned item",
        },
    )

    refund_amount: Amount | None = None
    #: Legacy name of the refund amount (old integrations); ``refund_amount`` wins.
    amount: Amount | None = None


# --- answers --------------------------------------------------------------------------------

Status = Literal["init", "pending", "success", "failure"]


class Fee(WireModel):
    amount: float
    currency: str


class PrimaryOperation(WireModel):
    """A purchase, auth or credit as Tranzzo answers it."""

    payment_id: str
    order_id: str
    gateway_order_id: str | None = None
    billing_order_id: str | None = None
    transaction_id: str | None = None
    pos_id: str
    mode: Literal["direct", "hosted"]
    method: str
    amount: float
    currency: str
    description: str | None = None
    status: Status
    status_code: str
    status_description: str
    user_action_required: bool
    user_action_url: str | None = None
    redirect_url: str | None = None
    eci: str | None = None
    mcc: str | None = None
    options_3ds: str | None = None
    cc_mask: str | None = None
    cc_token: str | None = None
    cc_token_expiration: str | None = None
    customer_id: str | None = None
    customer_ip: str | None = None
    customer_fname: str | None = None
    customer_lname: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    customer_country: str | None = None
    result_url: str | None = None
    created_at: str
    processing_time: str | None = None
    payload: str | None = None
    bank_short_name: str | None = None


class SecondaryOperation(WireModel):
    """A capture, void or refund as Tranzzo answers it."""

    operation_id: str
    payment_id: str
    order_id: str
    transaction_id: str
    pos_id: str
    mode: Literal["direct"]
    method: str
    amount: float
    currency: str
    status: Status
    status_code: str
    status_description: str
    created_at: str
    processed_at: str | None = None
    processing_time: str | None = None
    fee: Fee | None = None
    comment: str | None = None
    receipt_url: str | None = None


class SplitShare(WireModel):
    sub_merchant_id: str
    amount: float


class SecondaryWithSplit(SecondaryOperation):
    """A split capture: the capture operation and how it was shared."""

    split: list[SplitShare] | None = None


class ListedOperation(WireModel):
    """An operation as the order-information calls list it: every field the SDKs read, for
    primary and secondary operations alike (``comment`` and ``fee`` are null on primaries)."""

    operation_id: str | None
    payment_id: str
    order_id: str
    transaction_id: str | None
    pos_id: str
    mode: Literal["direct", "hosted"]
    method: str
    amount: float
    currency: str
    status: Status
    status_code: str
    status_description: str
    created_at: str
    processing_time: str | None
    comment: str | None
    fee: Fee | None

    model_config = ConfigDict(extra="allow")


class ErrorArgs(WireModel):
    code: str = Field(max_length=16)
    field_name: str | None = None
    violation: str | None = None


class ErrorBody(WireModel):
    """Tranzzo's 4xx/5xx body: ``{"message": String(512), "args": {"code": String(16)}}``."""

    message: str = Field(max_length=512)
    args: ErrorArgs
