"""payworks wire models: request bodies (validated strictly) and the answers' documented shapes.

Strict JSON types throughout: ``amount`` is a JSON number in major units (never a string, a
boolean, NaN or Infinity), greater than 0, with no more decimals than the currency allows;
unknown fields are refused. Every mismatch is answered ``ParameterInvalid`` (a missing field
``ParameterMissing``) in the sandbox's error envelope.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, StrictStr, model_validator

from ...wire import WireModel
from ..free_text import MASKED
from ..wire import AmountNumber, Currency, check_decimals

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

Uuid = Annotated[StrictStr, Field(pattern=UUID_PATTERN)]
#: Field lengths are not documented: the sandbox takes up to 256 characters.
Text = Annotated[StrictStr, Field(max_length=256)]
#: The merchant's free text (a subject): card data in it is masked. ``customIdentifier`` is the
#: merchant's reference and is kept exactly.
FreeText = Annotated[Text, MASKED]
Mode = Literal["TEST", "LIVE"]


class _Strict(WireModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Money(_Strict):
    amount: AmountNumber
    currency: Currency

    @model_validator(mode="after")
    def _fits_currency(self) -> Self:
        check_decimals(self.amount, self.currency)
        return self


class ChargeTransaction(_Money):
    """A charge: the app executes it with the card present."""

    type: Literal["CHARGE"]
    subject: FreeText | None = None
    customIdentifier: Text | None = None
    mode: Mode | None = None


class RefundTransaction(_Money):
    """A card-present refund of a charge: exactly its amount and currency."""

    type: Literal["REFUND"]
    referencedTransactionIdentifier: Uuid
    mode: Mode
    subject: FreeText | None = None
    customIdentifier: Text | None = None


class RegisterRequest(_Strict):
    """POST /v2/merchants/{merchantIdentifier}/transactionSessions."""

    transaction: Annotated[ChargeTransaction | RefundTransaction, Field(discriminator="type")]


class Refund(_Money):
    subject: FreeText | None = None
    customIdentifier: Text | None = None


class RefundRequest(_Strict):
    """POST /v2/transactions/{transactionIdentifier}/refunds (sandbox-defined path)."""

    refund: Refund


# --- answers ----------------------------------------------------------------------------------

Status = Literal["INITIALIZED", "PENDING", "APPROVED", "DECLINED", "ABORTED", "ERROR"]


class StatusDetails(WireModel):
    code: str
    detailedDescription: str
    developerDescription: str


class ProcessingDetails(WireModel):
    identifier: str | None
    sessionIdentifier: str | None = Field(description="None for a refund made without the card")
    timestamp: str | None
    additionalInformation: list[str]


class PaymentDetails(WireModel):
    source: Literal["ICC", "NFC_USING_EMV"] | None
    scheme: str | None
    customerVerification: (
        Literal["NONE", "SIGNATURE", "PIN", "PIN_AND_SIGNATURE", "CUSTOMER_DEVICE"] | None
    )
    maskedAccount: str | None


class ReceiptDetails(WireModel):
    merchantName: str
    merchantAddress: str
    merchantIdentifier: str
    terminalIdentifier: str | None
    authorizationCode: str | None
    transactionReference: str | None
    receiptNumber: str | None


class LocationDetails(WireModel):
    latitude: float | None
    longitude: float | None
    accuracy: float | None


class Reader(WireModel):
    family: str | None
    model: str | None
    serialNumber: str | None


class CardDetails(WireModel):
    fingerprint: str
    scheme: str
    maskedCardNumber: str
    expiryMonth: int | None
    expiryYear: int | None
    cardholderName: str | None


class RefundTransactionSummary(WireModel):
    identifier: str
    amount: float
    currency: str
    status: Status
    code: Literal["REFUND_BEFORE_CLEARING", "REFUND_AFTER_CLEARING"]
    created: str


class RefundDetails(WireModel):
    status: Literal["NON_REFUNDABLE", "REFUNDABLE_PARTIAL_AND_FULL", "REFUNDED"]
    process: list[Literal["SAME_CARD", "WITHOUT_CARD"]]
    refundTransactions: list[RefundTransactionSummary]


class ClearingDetails(WireModel):
    institute: str
    transactionIdentifier: str | None
    authorizationCode: str | None


class Transaction(WireModel):
    identifier: str
    customIdentifier: str | None
    groupIdentifier: str
    referencedTransactionIdentifier: str | None
    amount: float
    currency: str
    type: Literal["CHARGE", "REFUND"]
    status: Status
    subject: str | None
    mode: Mode
    created: str
    statusDetails: StatusDetails
    processingDetails: ProcessingDetails
    paymentDetails: PaymentDetails
    receiptDetails: ReceiptDetails
    locationDetails: LocationDetails
    reader: Reader
    refundDetails: RefundDetails
    clearingDetails: ClearingDetails
    cardDetails: CardDetails | None = Field(None, description="Once a card was read")


class Session(WireModel):
    validUntil: str
    identifier: str = Field(description="The sessionIdentifier the app executes")
    transaction: Transaction


class SessionAnswer(WireModel):
    status: Literal["ok"]
    data: Session


class TransactionAnswer(WireModel):
    status: Literal["ok"]
    data: Transaction


class ErrorDetail(WireModel):
    type: str
    message: str


class ErrorBody(WireModel):
    """``{"status": "error", "error": {"type", "message"}}`` (sandbox-defined)."""

    status: Literal["error"]
    error: ErrorDetail
