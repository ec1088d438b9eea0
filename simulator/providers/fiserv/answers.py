"""Fiserv answer bodies as the sandbox sends them, for its OpenAPI document.

They mirror the spec's TransactionResponse, TransactionErrorResponse, OrderResponse,
PaymentTokenizationResponse and ErrorResponse (only the fields the sandbox fills).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from ...wire import WireModel

ResponseType = Literal[
    "BadRequest",
    "Unauthenticated",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "GatewayDeclined",
    "EndpointDeclined",
    "ServerError",
    "EndpointCommunicationError",
    "UnsupportedMediaType",
]


class _Answer(WireModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(_Answer):
    field: str
    message: str


class Error(_Answer):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorResponse(_Answer):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    responseType: ResponseType | None = None
    error: Error


class AmountComponents(_Answer):
    subtotal: float | None = None
    vatAmount: float | None = None
    localTax: float | None = None
    shipping: float | None = None
    cashback: float | None = None
    tip: float | None = None
    surcharge: float | None = None


class Amount(_Answer):
    total: float
    currency: str
    components: AmountComponents | None = None


class Expiration(_Answer):
    month: str
    year: str


class CardDetails(_Answer):
    expiryDate: Expiration | None = None
    bin: str
    last4: str
    brand: str


class PaymentMethodDetails(_Answer):
    paymentCard: CardDetails
    paymentMethodType: Literal["PAYMENT_CARD"]


class AvsResponse(_Answer):
    streetMatch: str
    postalCodeMatch: str


class Processor(_Answer):
    referenceNumber: str | None = None
    authorizationCode: str | None = None
    responseCode: str | None = None
    network: str | None = None
    associationResponseCode: str | None = None
    responseMessage: str | None = None
    avsResponse: AvsResponse | None = None
    securityCodeResponse: (
        Literal[
            "MATCHED", "NOT_MATCHED", "NOT_PROCESSED", "NOT_PRESENT", "NOT_CERTIFIED", "NOT_CHECKED"
        ]
        | None
    ) = None


class PaymentToken(_Answer):
    value: str
    reusable: bool
    declineDuplicates: bool
    last4: str | None = None
    brand: str | None = None
    type: Literal["PAYMENT_CARD"] = "PAYMENT_CARD"


class Secure3dResponse(_Answer):
    responseCode3dSecure: str


class Secure3dMethod(_Answer):
    methodForm: str
    secure3dTransId: str


class AuthenticationParams(_Answer):
    acsURL: str
    termURL: str | None = None
    cReq: str | None = None
    payerAuthenticationRequest: str | None = None
    merchantData: str | None = None


class AuthenticationResponse(_Answer):
    type: Literal["3D_SECURE"]
    version: Literal["1.0", "2.1", "2.2"]
    secure3dMethod: Secure3dMethod | None = None
    params: AuthenticationParams | None = None


TransactionType = Literal[
    "SALE",
    "PREAUTH",
    "CREDIT",
    "FORCED_TICKET",
    "VOID",
    "RETURN",
    "POSTAUTH",
    "PAYER_AUTH",
    "DISBURSEMENT",
]


class TransactionResponse(_Answer):
    """A transaction: the answer to a payment request, and what an inquiry finds."""

    clientRequestId: str | None = None
    apiTraceId: str | None = None
    responseType: ResponseType | None = None
    ipgTransactionId: str | None = Field(None, pattern=r"^[0-9]+$")
    orderId: str | None = None
    transactionType: TransactionType | None = None
    paymentToken: PaymentToken | None = None
    transactionOrigin: str | None = None
    paymentMethodDetails: PaymentMethodDetails | None = None
    #: The card issuer's country.
    country: str | None = None
    terminalId: str | None = None
    merchantId: str | None = None
    merchantTransactionId: str | None = None
    transactionTime: int
    approvedAmount: Amount | None = None
    transactionAmount: Amount | None = None
    transactionStatus: (
        Literal[
            "APPROVED", "WAITING", "PARTIAL", "VALIDATION_FAILED", "PROCESSING_FAILED", "DECLINED"
        ]
        | None
    ) = None
    transactionResult: Literal["APPROVED", "DECLINED", "FAILED", "WAITING", "FRAUD"] | None = None
    approvalCode: str | None = None
    errorMessage: str | None = None
    transactionState: (
        Literal["AUTHORIZED", "CAPTURED", "CHECKED", "DECLINED", "SETTLED", "VOIDED", "WAITING"]
        | None
    ) = None
    secure3dResponse: Secure3dResponse | None = None
    authenticationResponse: AuthenticationResponse | None = None
    schemeTransactionId: str | None = None
    processor: Processor | None = None


class TransactionErrorResponse(TransactionResponse):
    """A declined or refused transaction: the transaction (when one was recorded) + error."""

    responseType: ResponseType
    error: Error


class OrderResponse(_Answer):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    orderId: str
    billing: dict[str, object] | None = None
    shipping: dict[str, object] | None = None
    transactions: list[TransactionResponse]


class CardOfToken(_Answer):
    expiryDate: Expiration | None = None
    bin: str
    last4: str
    brand: str


class PaymentTokenizationResponse(_Answer):
    clientRequestId: str | None = None
    apiTraceId: str | None = None
    requestStatus: Literal["DELETED", "SUCCESS"]
    requestTime: int
    brand: str | None = None
    country: str | None = None
    paymentToken: PaymentToken
    paymentCard: CardOfToken | None = None


class PaymentTokenizationErrorResponse(_Answer):
    """A card the gateway would not tokenize (failing Luhn, expired)."""

    clientRequestId: str | None = None
    apiTraceId: str | None = None
    responseType: ResponseType
    requestStatus: Literal["VALIDATION_FAILED"]
    requestTime: int
    error: Error
