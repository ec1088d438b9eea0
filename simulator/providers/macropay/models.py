"""Macropay wire models: request bodies (validated as Revup documents them) and answers.

Strict JSON types throughout (a string is not a number, ``"true"`` is not a boolean): Revup
validates bodies against a JSON schema, and any mismatch is ``0300 Invalid Request``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

from ...wire import WireModel
from ..bodies import plain
from ..free_text import MASKED, mask_person_and_address
from ..wire import AmountNumber, Currency, check_decimals

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

Uuid = Annotated[StrictStr, Field(pattern=UUID_PATTERN)]
Url = Annotated[StrictStr, Field(min_length=1, max_length=2048, pattern=r"^https?://\S+$")]
Text = Annotated[StrictStr, Field(max_length=1024)]
#: Merchant free text (descriptions, reasons): card data in it is masked.
FreeText = Annotated[Text, MASKED]


class _Strict(WireModel):
    """A fully documented object: unknown fields are a schema mismatch."""

    model_config = ConfigDict(extra="forbid", strict=True)


class _Open(WireModel):
    """An object documented only in part (``…`` in the docs): unknown fields are kept."""

    model_config = ConfigDict(extra="allow", strict=True)

    @model_validator(mode="after")
    def _plain_extras(self) -> Self:
        """Unknown fields are kept as plain JSON (exact numbers become JSON numbers again)."""
        if self.__pydantic_extra__:
            self.__pydantic_extra__ = plain(self.__pydantic_extra__)
        return self


class Money(_Strict):
    amount: AmountNumber
    currency: Currency

    @model_validator(mode="after")
    def _fits_currency(self) -> Self:
        check_decimals(self.amount, self.currency)
        return self


class RedirectUrl(_Strict):
    success: Url | None = None
    fail: Url | None = None
    threeDSChallengeResult: Url | None = None


class BrowserInformation(_Open):
    userAgentHeader: Text | None = None
    acceptHeader: Text | None = None


class _Customer(_Open):
    """Customer data documented only in part: its unknown fields' names and address lines are
    merchant free text (``free_text.PERSON_AND_ADDRESS``)."""

    @model_validator(mode="after")
    def _masked_extras(self) -> Self:
        if self.__pydantic_extra__:
            self.__pydantic_extra__ = mask_person_and_address(self.__pydantic_extra__)
        return self


class UserInformation(_Customer):
    ip: Annotated[StrictStr, Field(max_length=64)] | None = None
    email: Annotated[StrictStr, Field(max_length=256)] | None = None
    country: Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2}$")] | None = None
    language: Annotated[StrictStr, Field(min_length=2, max_length=8)] | None = None
    browserInformation: BrowserInformation | None = None


class BillingAddress(_Customer):
    country: Annotated[StrictStr, Field(pattern=r"^[A-Za-z]{2}$")] | None = None


Sequence = Literal["initial", "recurring", "final"]


class OrderRequest(WireModel):
    """POST /v2/orders — everything about the payment except the card."""

    # Revup's order page lists more fields than the sandbox knows; those are ignored.
    model_config = ConfigDict(extra="ignore", strict=True)

    money: Money
    description: FreeText | None = None
    concept: FreeText | None = None
    notificationUrl: Url | None = None
    redirectUrl: RedirectUrl | None = None
    userInformation: UserInformation | None = None
    billingAddress: BillingAddress | None = None
    generateToken: StrictBool | None = None
    sequence: Sequence | None = None
    minPeriod: Annotated[StrictInt, Field(ge=1, le=3660)] | None = Field(
        None, description="Least days between two charges of the recurrence"
    )
    parentTransactionId: Uuid | None = Field(
        None, description="The initial recurrence's transactionId (recurring and final orders)"
    )

    @model_validator(mode="after")
    def _recurrence_fields(self) -> Self:
        needs_parent = self.sequence in ("recurring", "final")
        if needs_parent and self.parentTransactionId is None:
            raise ValueError("recurring and final orders need parentTransactionId")
        if not needs_parent and self.parentTransactionId is not None:
            raise ValueError("parentTransactionId belongs to recurring and final orders")
        return self


class Overwrite(_Strict):
    initialAmount: AmountNumber | None = None


class SubscriptionRequest(WireModel):
    """POST /v2/subscriptions — an order's fields without ``money`` (the plan has it), plus the
    plan, the currency and where its events go; with a token, the payment that made it."""

    model_config = ConfigDict(extra="ignore", strict=True)

    planId: Uuid
    currency: Currency
    eventSubscriptionUrl: Url
    description: FreeText | None = None
    concept: FreeText | None = None
    redirectUrl: RedirectUrl | None = None
    userInformation: UserInformation | None = None
    billingAddress: BillingAddress | None = None
    overwrite: Overwrite | None = None
    domain: Annotated[StrictStr, Field(max_length=2048)] | None = None
    customTag: FreeText | None = None
    tokenId: Uuid | None = None
    parentTransactionId: Uuid | None = None
    parentOrderId: Uuid | None = None

    @model_validator(mode="after")
    def _token_fields_together(self) -> Self:
        given = [self.tokenId, self.parentTransactionId, self.parentOrderId]
        if any(v is not None for v in given) and not all(v is not None for v in given):
            raise ValueError("tokenId, parentTransactionId and parentOrderId go together")
        return self


class CardData(_Strict):
    """The card, as the sandbox reads it in place of the SDK's ciphered blob."""

    cardNumber: StrictStr
    cardHolderName: Annotated[StrictStr, MASKED] | None
    expiryMonth: StrictInt | StrictStr
    expiryYear: StrictInt | StrictStr
    cvv: StrictStr


class PayRequest(_Strict):
    """POST /v2/orders/{orderId}/pay — a card (object, or base64 of it) or a token id."""

    paymentMethod: Literal["credit_card", "credit_card_token"]
    data: CardData | StrictStr = Field(
        description="credit_card: the card object, or that object as base64 JSON; "
        "credit_card_token: the tokenId"
    )


class RefundMoney(_Strict):
    amount: AmountNumber
    # Checked against the payment (0307), so any string is schema-valid here.
    currency: Annotated[StrictStr, Field(max_length=16)]


class RefundRequest(_Strict):
    """POST /v2/transactions/{transactionId}/refund."""

    money: RefundMoney
    reason: FreeText | None = None


# --- answers --------------------------------------------------------------------------------

TransactionStatus = Literal["success", "failed", "in_process", "waiting_user_interaction"]


class MoneyOut(WireModel):
    amount: float
    currency: str


class KeyValue(WireModel):
    key: str
    value: str


class Action(WireModel):
    url: str
    method: str = Field(max_length=7)
    headers: list[KeyValue]
    parameters: list[KeyValue]


class RedirectUrlOut(WireModel):
    success: str | None = None
    fail: str | None = None
    threeDSChallengeResult: str | None = None


class Order(WireModel):
    """The created order (sandbox-defined shape: Revup documents only that it holds the id)."""

    orderId: str
    money: MoneyOut
    description: str | None = None
    concept: str | None = None
    notificationUrl: str | None = None
    redirectUrl: RedirectUrlOut | None = None
    userInformation: dict[str, Any] | None = None
    billingAddress: dict[str, Any] | None = None
    generateToken: bool | None = None
    sequence: str | None = None
    minPeriod: int | None = None
    parentTransactionId: str | None = None
    createdAt: str
    expiresAt: str


class SubscriptionAnswer(Order):
    """The subscription's initial order, and the subscription's id."""

    subscriptionId: str


class PayAnswer(WireModel):
    transactionStatus: TransactionStatus
    message: str
    transactionId: str
    action: Action | None = None
    version: int | None = None


class OperationResult(WireModel):
    chargedAmount: MoneyOut


class ErrorDetail(WireModel):
    code: str
    message: str


class RefundAnswer(WireModel):
    transactionId: str
    transactionStatus: TransactionStatus
    money: MoneyOut
    reason: str | None = None
    operationResult: OperationResult | None = None
    error: ErrorDetail | None = None


class Transaction(WireModel):
    """GET /v2/transactions/{transactionId} (sandbox-defined path and shape)."""

    transactionId: str
    orderId: str
    transactionType: Literal["payment", "refund"]
    transactionStatus: TransactionStatus
    createdAt: str
    updatedAt: str
    money: MoneyOut
    parentTransactionId: str | None = None
    sequence: str | None = None
    tokenId: str | None = None
    refundedMoney: MoneyOut | None = None
    action: Action | None = None
    version: int | None = None
    error: ErrorDetail | None = None


class ErrorBody(WireModel):
    """``{"transactionStatus": "failed", "error": {"code", "message"}}``."""

    transactionStatus: Literal["failed"]
    error: ErrorDetail


class GatewayMessage(WireModel):
    """The API gateway's own answers (403 and friends): ``{"message": ...}``."""

    message: str
