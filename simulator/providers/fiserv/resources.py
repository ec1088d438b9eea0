"""Fiserv request bodies of the gateway's other resources: payment tokens, access tokens, card
verification and information, payment links and payment schedules (spec 24.2.0)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from ..bodies import JsonDate
from ..free_text import MASKED_PERSON_AND_ADDRESS, FreeText
from .models import (
    Amount,
    CreatePaymentToken,
    PaymentCard,
    PaymentCardPaymentMethod,
    TransactionOrigin,
    Url,
    _Open,
)

#: Billing or shipping details as sent (names and address lines are merchant free text).
CustomerDetails = Annotated[dict[str, Any], MASKED_PERSON_AND_ADDRESS]

# --- payment tokens ---------------------------------------------------------------------------


class PaymentCardPaymentTokenizationRequest(_Open):
    """POST /payment-tokens: store a card behind a token."""

    requestType: Literal["PaymentCardPaymentTokenizationRequest"]
    paymentCard: PaymentCard
    createToken: CreatePaymentToken
    accountVerification: bool = False
    storeId: Annotated[str, Field(max_length=20)] | None = None
    merchantTransactionId: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class UpdatePaymentToken(_Open):
    value: Annotated[str, Field(min_length=1, max_length=64)]
    reusable: bool = True
    declineDuplicates: bool = False
    paymentCard: PaymentCard


class PaymentCardPaymentTokenUpdateRequest(_Open):
    """PATCH /payment-tokens: new cards behind existing tokens (a renewed expiry, say)."""

    requestType: Literal["PaymentCardPaymentTokenUpdateRequest"]
    storeId: Annotated[str, Field(max_length=20)] | None = None
    paymentTokens: Annotated[list[UpdatePaymentToken], Field(min_length=1, max_length=1000)]


# --- verification and card information ---------------------------------------------------------


class CardVerificationRequest(_Open):
    """POST /card-verification (older SDKs send a ``requestType``; it is not checked)."""

    requestType: str = "CardVerificationRequest"
    paymentCard: PaymentCard
    billingAddress: CustomerDetails | None = None
    storeId: Annotated[str, Field(max_length=20)] | None = None
    transactionOrigin: TransactionOrigin | None = None
    merchantTransactionId: Annotated[str, Field(min_length=1, max_length=40)] | None = None


class CardInfoLookupRequest(_Open):
    """POST /card-information: only the card number is needed."""

    paymentCard: PaymentCard
    storeId: Annotated[str, Field(max_length=20)] | None = None


# --- payment links ----------------------------------------------------------------------------


class PaymentUrlRequest(_Open):
    """POST /payment-url: an order to be paid on the hosted page."""

    transactionAmount: Amount
    transactionType: Literal[
        "SALE", "PREAUTH", "CREDIT", "FORCED_TICKET", "VOID", "RETURN", "POSTAUTH",
        "PAYER_AUTH", "DISBURSEMENT",
    ]  # fmt: skip
    storeId: Annotated[str, Field(max_length=20)] | None = None
    orderId: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    billing: CustomerDetails | None = None
    shipping: CustomerDetails | None = None
    transactionNotificationURL: Url | None = None
    #: When the link expires, in epoch seconds.
    expiration: Annotated[int, Field(ge=0)] | None = None
    authenticateTransaction: bool = False
    dynamicMerchantName: FreeText | None = None
    invoiceNumber: str | None = None
    purchaseOrderNumber: str | None = None
    hostedPaymentPageText: Annotated[FreeText, Field(max_length=255)] | None = None
    ip: str | None = None


# --- payment schedules ------------------------------------------------------------------------


class Frequency(_Open):
    every: Annotated[int, Field(ge=1, le=1000)]
    unit: Literal["DAY", "WEEK", "MONTH", "YEAR"]


class _Schedule(_Open):
    storeId: Annotated[str, Field(max_length=20)] | None = None
    transactionAmount: Amount
    frequency: Frequency
    numberOfPayments: Annotated[int, Field(ge=1, le=999)] | None = None
    maximumFailures: Annotated[int, Field(ge=1, le=999)] | None = None
    orderId: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    invoiceNumber: str | None = None
    purchaseOrderNumber: str | None = None
    transactionOrigin: TransactionOrigin | None = None
    comments: Annotated[FreeText, Field(max_length=1024)] | None = None


class PaymentMethodPaymentSchedulesRequest(_Schedule):
    requestType: Literal["PaymentMethodPaymentSchedulesRequest"]
    startDate: JsonDate
    paymentMethod: PaymentCardPaymentMethod


class ReferencedOrderPaymentSchedulesRequest(_Schedule):
    requestType: Literal["ReferencedOrderPaymentSchedulesRequest"]
    startDate: JsonDate
    referencedOrderId: Annotated[str, Field(min_length=1)]


PaymentSchedulesRequest = Annotated[
    PaymentMethodPaymentSchedulesRequest | ReferencedOrderPaymentSchedulesRequest,
    Field(discriminator="requestType"),
]


class PaymentMethodPaymentSchedulesPatchRequest(_Schedule):
    #: 24.2 names it ...PatchRequest; 21.4 (and its SDK) sends the create request's name.
    requestType: Literal[
        "PaymentMethodPaymentSchedulesPatchRequest", "PaymentMethodPaymentSchedulesRequest"
    ]
    nextAttemptDate: JsonDate | None = None
    paymentMethod: PaymentCardPaymentMethod


class ReferencedOrderPaymentSchedulesPatchRequest(_Schedule):
    requestType: Literal[
        "ReferencedOrderPaymentSchedulesPatchRequest", "ReferencedOrderPaymentSchedulesRequest"
    ]
    nextAttemptDate: JsonDate | None = None
    referencedOrderId: Annotated[str, Field(min_length=1)]


PaymentSchedulesPatchRequest = Annotated[
    PaymentMethodPaymentSchedulesPatchRequest | ReferencedOrderPaymentSchedulesPatchRequest,
    Field(discriminator="requestType"),
]


# --- access tokens ----------------------------------------------------------------------------


class AccessTokenRequest(_Open):
    """POST /authentication/access-tokens (all three fields required by the spec)."""

    domain: Annotated[str, Field(min_length=1, max_length=255)]
    token: Annotated[str, Field(min_length=1, max_length=255)]
    publicKeyRequired: bool
