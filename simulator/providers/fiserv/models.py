"""Fiserv request bodies, validated as the gateway v2 spec (24.2.0) defines them.

Only the fields the sandbox acts on are declared; every other documented field (billing,
shipping, stored credentials, industry extensions ...) is accepted and ignored, as the spec's
objects are open. Amount totals are numbers or numeric strings (the docs send ``"12.04"``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from ...wire import WireModel
from ..amounts import MajorUnits
from ..bodies import JsonObject
from ..free_text import MASKED_PERSON_AND_ADDRESS, FreeText

#: The largest total the sandbox accepts (sandbox-defined; the spec sets no maximum).
MAX_TOTAL = Decimal("999999999999.999")
#: ``total ≥ 0`` as the spec says (a zero total is refused where a transaction moves money),
#: a number or a numeric string (the docs send ``"12.04"``).
Total = Annotated[Decimal, MajorUnits(maximum=MAX_TOTAL, minimum="zero", strings=True)]

Url = Annotated[str, Field(min_length=1, max_length=2048)]
#: Billing or shipping details: their names and address lines are merchant free text.
CustomerObject = Annotated[JsonObject, MASKED_PERSON_AND_ADDRESS]


class _Open(WireModel):
    #: Strict types (no "1" for 1, no 0 for false), unknown fields ignored.
    model_config = ConfigDict(extra="ignore", strict=True)


class AmountComponents(_Open):
    subtotal: Total | None = None
    vatAmount: Total | None = None
    localTax: Total | None = None
    shipping: Total | None = None
    cashback: Total | None = None
    tip: Total | None = None
    surcharge: Total | None = None


class Amount(_Open):
    total: Total
    currency: Annotated[str, Field(pattern=r"^(?:[A-Z]{3}|[0-9]{3})$")]
    components: AmountComponents | None = None

    @model_validator(mode="after")
    def _components_add_up(self) -> Amount:
        """The spec: "Sub component values must add up to total amount"."""
        if self.components is not None:
            parts = [v for v in self.components.model_dump().values() if v is not None]
            if parts and sum(parts, Decimal(0)) != self.total:
                raise ValueError("sub component values must add up to total amount")
        return self


class Expiration(_Open):
    month: Annotated[str, Field(pattern=r"^(0[1-9]|1[012])$")]
    #: YY per the spec; four digits are accepted too (sandbox leniency).
    year: Annotated[str, Field(pattern=r"^([0-9]{2}|[0-9]{4})$")]


class PaymentCard(_Open):
    number: Annotated[str, Field(pattern=r"^[0-9]{13,19}$")]
    expiryDate: Expiration | None = None
    securityCode: Annotated[str, Field(pattern=r"^[0-9]{3,4}$")] | None = None
    cardholderName: Annotated[FreeText, Field(max_length=96)] | None = None
    brand: str | None = None
    cardFunction: Literal["CREDIT", "DEBIT", "PREPAID", "VOUCHER", "UNDEFINED"] | None = None


class PaymentCardPaymentMethod(_Open):
    paymentCard: PaymentCard


class UsePaymentToken(_Open):
    value: Annotated[str, Field(min_length=1, max_length=64)]
    tokenOriginStoreId: str | None = None
    securityCode: Annotated[str, Field(pattern=r"^[0-9]{3,4}$")] | None = None
    expiryDate: Expiration | None = None


class PaymentTokenPaymentMethod(_Open):
    paymentToken: UsePaymentToken


class CreatePaymentToken(_Open):
    value: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    reusable: bool = True
    declineDuplicates: bool = False


class SplitShipment(_Open):
    totalCount: Annotated[int, Field(ge=1, le=999)] | None = None
    finalShipment: bool = False


class Order(_Open):
    orderId: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    billing: CustomerObject | None = None
    shipping: CustomerObject | None = None


class _Authentication(_Open):
    """What the 3-D Secure request types share (the spec's enums and patterns)."""

    termURL: Url | None = None
    methodNotificationURL: Url | None = None
    challengeIndicator: Literal["01", "02", "03", "04", "05", "06", "07", "08", "09"] | None = None
    challengeWindowSize: Literal["01", "02", "03", "04", "05"] | None = None
    browserJavaScriptEnabled: bool | None = None
    browserJavaEnabled: bool | None = None
    authenticationIndicator: Literal["01", "02", "03", "04", "05", "06"] | None = None
    secure3DDeviceChannel: Literal["02", "03"] | None = None
    secure3DThreeRIIndicator: (
        Literal["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"] | None
    ) = None
    recurringExpiry: (
        Annotated[str, Field(pattern=r"^([0-9]{4})(1[0-2]|0[1-9])(3[01]|0[1-9]|[12][0-9])$")] | None
    ) = None
    recurringFrequency: Annotated[int, Field(ge=1, le=9999)] | None = None
    cardHolderBrowserParams: JsonObject | None = None


class Secure3DAuthenticationRequest(_Authentication):
    """The current 3-D Secure 2 request: both URLs are required."""

    authenticationType: Literal["Secure3DAuthenticationRequest"]
    termURL: Url
    methodNotificationURL: Url
    messageCategory: Literal["01", "02", "80"] | None = None


class Secure3D21AuthenticationRequest(_Authentication):
    """Deprecated 3-D Secure 2 request (URLs optional)."""

    authenticationType: Literal["Secure3D21AuthenticationRequest"]


class Secure3D10AuthenticationRequest(_Authentication):
    """Deprecated 3-D Secure 1.0 request."""

    authenticationType: Literal["Secure3D10AuthenticationRequest"]


AuthenticationRequest = Annotated[
    Secure3DAuthenticationRequest
    | Secure3D21AuthenticationRequest
    | Secure3D10AuthenticationRequest,
    Field(discriminator="authenticationType"),
]


IndicatorSubcategory = Literal[
    "CREDENTIAL_ON_FILE_FIRST", "CREDENTIAL_ON_FILE_SUBSEQUENT", "UNSCHEDULED_CREDENTIAL_ON_FILE",
    "STANDING_ORDER", "SUBSCRIPTION", "INSTALLMENT", "PARTIAL_SHIPMENT", "DELAYED_CHARGE",
    "NO_SHOW_CHARGE", "RESUBMISSION",
]  # fmt: skip


class StoredCredential(_Open):
    """A stored card (card on file) used or kept: both fields are required by the spec."""

    sequence: Literal["FIRST", "SUBSEQUENT"]
    scheduled: bool
    initiator: Literal["MERCHANT", "CARDHOLDER"] | None = None
    referencedSchemeTransactionId: Annotated[str, Field(max_length=50)] | None = None
    indicatorSubcategory: IndicatorSubcategory | None = None


class AuthenticationResult(_Open):
    """An external 3-D Secure provider's result (Y and A proceed; anything else declines)."""

    authenticationType: Literal[
        "Secure3DAuthenticationResult",
        "Secure3D21AuthenticationResult",
        "Secure3D10AuthenticationResult",
    ]
    cavv: Annotated[str, Field(min_length=20, max_length=32)] | None = None
    xid: str | None = None
    dsTransactionId: str | None = None
    authenticationResponse: Literal["A", "N", "U", "Y", "C", "R"] | None = None
    transactionStatus: Literal["A", "N", "U", "Y", "C", "R"] | None = None


TransactionOrigin = Literal["ECOM", "MOTO", "MAIL", "PHONE", "RETAIL"]


class _Primary(_Open):
    transactionAmount: Amount
    storeId: Annotated[str, Field(max_length=20)] | None = None
    merchantTransactionId: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    transactionOrigin: TransactionOrigin | None = None
    order: Order | None = None
    #: A PAYER_AUTH transaction whose authentication this transaction uses.
    ipgTransactionId: Annotated[int, Field(ge=0)] | None = None


class _CardPayment(_Primary):
    paymentMethod: PaymentCardPaymentMethod
    createToken: CreatePaymentToken | None = None
    storedCredentials: StoredCredential | None = None
    authenticationRequest: AuthenticationRequest | None = None
    authenticationResult: AuthenticationResult | None = None


class PaymentCardSaleTransaction(_CardPayment):
    requestType: Literal["PaymentCardSaleTransaction"]


class PaymentCardPreAuthTransaction(_CardPayment):
    requestType: Literal["PaymentCardPreAuthTransaction"]
    splitShipment: SplitShipment | None = None
    decrementalFlag: bool = False


class PaymentCardCreditTransaction(_Primary):
    requestType: Literal["PaymentCardCreditTransaction"]
    paymentMethod: PaymentCardPaymentMethod


class _TokenPayment(_Primary):
    paymentMethod: PaymentTokenPaymentMethod
    storedCredentials: StoredCredential | None = None
    authenticationRequest: AuthenticationRequest | None = None
    authenticationResult: AuthenticationResult | None = None


class PaymentTokenSaleTransaction(_TokenPayment):
    requestType: Literal["PaymentTokenSaleTransaction"]


class PaymentTokenPreAuthTransaction(_TokenPayment):
    requestType: Literal["PaymentTokenPreAuthTransaction"]
    splitShipment: SplitShipment | None = None
    decrementalFlag: bool = False


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("may not be blank")
    return value


#: The spec's ``^(?!\s*$).+``: anything but blank.
NonBlank = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]


class SenderInfo(_Open):
    name: Annotated[NonBlank, Field(max_length=30)]
    streetAddress: Annotated[NonBlank, Field(max_length=50)]
    city: Annotated[NonBlank, Field(max_length=25)]
    stateCode: NonBlank
    countryCode: NonBlank
    postalCode: NonBlank
    phoneNumber: NonBlank
    referenceNumber: NonBlank
    accountNumber: NonBlank


class ReceiverInfo(_Open):
    name: Annotated[NonBlank, Field(max_length=70)]
    streetAddress: Annotated[NonBlank, Field(max_length=50)]
    city: Annotated[NonBlank, Field(max_length=25)]
    stateCode: NonBlank
    countryCode: NonBlank
    postalCode: NonBlank
    phoneNumber: NonBlank
    referenceNumber: NonBlank


class Disbursement(_Open):
    """Push (``DisbursementTransactionType``) or pull (``FundingTransactionType``) of money."""

    disbursementType: Literal["DisbursementTransactionType", "FundingTransactionType"]
    senderInfo: SenderInfo
    receiverInfo: ReceiverInfo


class PaymentCardDisbursementTransaction(_Primary):
    requestType: Literal["PaymentCardDisbursementTransaction"]
    disbursement: Disbursement
    paymentMethod: PaymentCardPaymentMethod
    storedCredentials: StoredCredential | None = None
    createToken: CreatePaymentToken | None = None


class PaymentTokenDisbursementTransaction(_Primary):
    requestType: Literal["PaymentTokenDisbursementTransaction"]
    disbursement: Disbursement
    paymentMethod: PaymentTokenPaymentMethod
    storedCredentials: StoredCredential | None = None


class PaymentCardPayerAuthTransaction(_Primary):
    """Authentication only (3-D Secure); a later sale or preauth names it by ipgTransactionId."""

    requestType: Literal["PaymentCardPayerAuthTransaction"]
    paymentMethod: PaymentCardPaymentMethod
    authenticationRequest: AuthenticationRequest | None = None
    authenticationResult: AuthenticationResult | None = None


PrimaryTransaction = Annotated[
    PaymentCardSaleTransaction
    | PaymentCardPreAuthTransaction
    | PaymentCardCreditTransaction
    | PaymentTokenSaleTransaction
    | PaymentTokenPreAuthTransaction
    | PaymentCardDisbursementTransaction
    | PaymentTokenDisbursementTransaction
    | PaymentCardPayerAuthTransaction,
    Field(discriminator="requestType"),
]


# --- secondary transactions -------------------------------------------------------------------


class _Secondary(_Open):
    storeId: Annotated[str, Field(max_length=20)] | None = None
    merchantTransactionId: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    comments: Annotated[FreeText, Field(max_length=1024)] | None = None
    order: Order | None = None


class PostAuthTransaction(_Secondary):
    requestType: Literal["PostAuthTransaction"]
    transactionAmount: Amount
    transactionOrigin: TransactionOrigin | None = None
    splitShipment: SplitShipment | None = None


class VoidTransaction(_Secondary):
    requestType: Literal["VoidTransaction"]
    transactionAmount: Amount | None = None


class VoidPreAuthTransactions(_Secondary):
    #: The spec's name is plural; the LATAM docs write it singular: both are accepted.
    requestType: Literal["VoidPreAuthTransactions", "VoidPreAuthTransaction"]


class ReturnTransaction(_Secondary):
    requestType: Literal["ReturnTransaction"]
    transactionAmount: Amount
    storedCredentials: StoredCredential | None = None


class PreAuthSecondaryTransaction(_Secondary):
    requestType: Literal["PreAuthSecondaryTransaction"]
    transactionAmount: Amount
    decrementalFlag: bool = False


SecondaryTransaction = Annotated[
    PostAuthTransaction
    | VoidTransaction
    | VoidPreAuthTransactions
    | ReturnTransaction
    | PreAuthSecondaryTransaction,
    Field(discriminator="requestType"),
]


# --- 3-D Secure updates -----------------------------------------------------------------------


class ACSResponse(_Open):
    cRes: Annotated[str, Field(min_length=1, max_length=8192)]


class _Update(_Open):
    storeId: Annotated[str, Field(max_length=20)] | None = None
    billingAddress: CustomerObject | None = None
    securityCode: str | None = None


class Secure3DAuthenticationUpdateRequest(_Update):
    authenticationType: Literal[
        "Secure3DAuthenticationUpdateRequest", "Secure3D21AuthenticationUpdateRequest"
    ]
    methodNotificationStatus: (
        Literal["RECEIVED", "EXPECTED_BUT_NOT_RECEIVED", "NOT_EXPECTED"] | None
    ) = None
    acsResponse: ACSResponse | None = None


class Secure3D10AuthenticationUpdateRequest(_Update):
    authenticationType: Literal["Secure3D10AuthenticationUpdateRequest"]
    payerAuthenticationResponse: Annotated[str, Field(min_length=1, max_length=16384)]
    merchantData: str | None = None


AuthenticationUpdate = Annotated[
    Secure3DAuthenticationUpdateRequest | Secure3D10AuthenticationUpdateRequest,
    Field(discriminator="authenticationType"),
]
