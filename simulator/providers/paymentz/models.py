"""Paymentz request models, as the bodies read (bodies.py) nest their dotted names.

Forms carry only strings, so every value is a string here; JSON numbers are taken as their
decimal text exactly as written (``"memberId": 11344`` is ``"11344"``, ``"amount": 50.0`` is
``"50.0"`` and so not a valid amount, ``12.340000000000000001`` never becomes ``12.34``).
Unknown fields are ignored, as gateways taking forms do. Free text refuses characters that
neither XML nor a JSON string can carry faithfully (C0 controls but tab, line feed and carriage
return; lone surrogates).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from ...engine.money import EXPONENTS, is_currency
from ...wire import WireModel
from ..free_text import MASKED

_NOT_TEXT = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

AMOUNT_PATTERN = r"^[0-9]{1,8}\.[0-9]{2}$"
MEMBER_ID_PATTERN = r"^[0-9]{1,10}$"
MERCHANT_TRANSACTION_ID_PATTERN = r"^[A-Za-z0-9._-]{1,100}$"
PAYMENT_ID_DIGITS_MAX = 20
PAYMENT_ID_PATTERN = rf"^[0-9]{{1,{PAYMENT_ID_DIGITS_MAX}}}$"
CHECKSUM_PATTERN = r"^[0-9A-Fa-f]{32}$"


def _text(value: str) -> str:
    if _NOT_TEXT.search(value):
        raise ValueError("contains a control character")
    return value


def _currency(value: str) -> str:
    if not is_currency(value):
        raise ValueError("must be an ISO 4217 currency code")
    return value


def _flag(value: object) -> object:
    """``true``/``false`` as forms send them (JSON booleans too)."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


Text = Annotated[str, AfterValidator(_text), Field(max_length=255)]
LongText = Annotated[str, AfterValidator(_text), Field(max_length=2048)]
#: The merchant's or cardholder's free text (descriptions, names, addresses): card data in it
#: is masked. References (merchantTransactionId, customerId) are kept exactly.
FreeText = Annotated[Text, MASKED]
#: An amount to move: more than zero, as ``AMOUNT_PATTERN`` writes it (11 characters at most).
Amount = Annotated[
    str,
    Field(
        pattern=r"^(0*[1-9][0-9]*\.[0-9]{2}|0+\.(0[1-9]|[1-9][0-9]))$",
        max_length=11,
        description="Two decimals, as hashed: 50.00, never 50",
    ),
]
#: An amount merely shown (tmpl_amount): zero allowed.
AmountText = Annotated[str, Field(pattern=AMOUNT_PATTERN)]
Currency = Annotated[
    str, AfterValidator(_currency), Field(json_schema_extra={"enum": sorted(EXPONENTS)})
]
MemberId = Annotated[str, Field(pattern=MEMBER_ID_PATTERN)]
MerchantTransactionId = Annotated[str, Field(pattern=MERCHANT_TRANSACTION_ID_PATTERN)]
PaymentId = Annotated[str, Field(pattern=PAYMENT_ID_PATTERN)]
Checksum = Annotated[str, Field(pattern=CHECKSUM_PATTERN, description="Lowercase MD5 hex")]
#: merchantRedirectUrl and notificationUrl are AN100 (paymentz.md §3.4).
Url = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=100)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class _Model(WireModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)


class Authentication(_Model):
    memberId: MemberId
    checksum: Checksum
    terminalId: Text | None = None
    accountId: Text | None = None


class Card(_Model):
    number: Annotated[str, Field(max_length=32, description="12 to 19 digits, Luhn-valid")]
    expiryMonth: Annotated[str, Field(pattern=r"^(0?[1-9]|1[0-2])$")]
    expiryYear: Annotated[str, Field(pattern=r"^[0-9]{4}$")]
    cvv: Annotated[str, Field(pattern=r"^[0-9]{3,4}$")]
    holder: FreeText | None = None


class Customer(_Model):
    telnocc: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    givenName: FreeText | None = None
    surname: FreeText | None = None
    ip: Text | None = None
    birthDate: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = None
    customerId: Text | None = None


class Shipping(_Model):
    country: Text | None = None
    city: FreeText | None = None
    state: FreeText | None = None
    postcode: Text | None = None
    street1: FreeText | None = None
    givenName: FreeText | None = None
    surname: FreeText | None = None


class DeviceDetails(_Model):
    browserAcceptHeader: LongText | None = None
    browserColorDepth: Text | None = None
    browserLanguage: Text | None = None
    browserScreenHeight: Text | None = None
    browserScreenWidth: Text | None = None
    browserTimezoneOffset: Text | None = None
    user_Agent: LongText | None = None
    browserJavaEnabled: Text | None = None


class _Order(_Model):
    """What every money-moving request shares."""

    authentication: Authentication
    merchantTransactionId: MerchantTransactionId
    amount: Amount
    currency: Currency
    orderDescriptor: FreeText | None = None
    notificationUrl: Url | None = None
    merchantRedirectUrl: Url | None = None
    customer: Customer | None = None
    tmpl_amount: AmountText | None = None
    tmpl_currency: Currency | None = None


class PaymentRequest(_Order):
    """POST /payments: a debit (DB) or a preauthorization (PA), by card."""

    paymentType: Literal["DB", "PA"]
    paymentBrand: Text | None = None
    paymentMode: Text | None = Field(None, description="CC or DC (cards); others are refused")
    card: Card
    shipping: Shipping | None = None
    deviceDetails: DeviceDetails | None = None
    recurringType: Literal["INITIAL", "REPEATED"] | None = None
    createRegistration: Flag | None = None


class RepeatedPaymentRequest(_Order):
    """POST /registrations/{registrationId}/payments: a REPEATED charge of a stored card."""

    paymentType: Literal["DB", "PA"]
    recurringType: Literal["REPEATED"] | None = None


class OperationRequest(_Model):
    """POST /payments/{paymentId}: capture, refund, reversal or inquiry."""

    authentication: Authentication
    paymentType: Literal["CP", "RF", "RV", "IN"]
    amount: Amount | None = Field(None, description="Required for CP and RF; RV: all or none")
    currency: Currency | None = None


class StatusQuery(_Model):
    """GET /payments/{paymentId}: the query string names the member and its checksum."""

    authentication: Authentication


class InquiryRequest(_Model):
    """POST /inquiry: one transaction by merchantTransactionId (MID) or paymentId (PID)."""

    authentication: Authentication
    idType: Literal["MID", "PID"] = "MID"
    merchantTransactionId: MerchantTransactionId | None = None
    paymentId: PaymentId | None = None
    paymentType: Literal["IN"] | None = None


Day = Annotated[
    str,
    Field(pattern=r"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[0-9]{4}$", description="dd/mm/yyyy"),
]


class Pagination(_Model):
    fromdate: Day
    todate: Day


class ListAuthentication(_Model):
    memberId: MemberId
    checksum: Checksum


class TransactionListRequest(_Model):
    """POST /getTransactionList: a member's transactions between two days (dd/mm/yyyy)."""

    authentication: ListAuthentication
    pagination: Pagination
    status: Text | None = Field(None, description="A long status (capturesuccess …)")


class PayoutRequest(_Order):
    """POST /payout: money to a card — one given here, or that of an earlier paymentId."""

    paymentType: Literal["PO"] | None = None
    paymentId: PaymentId | None = None
    card: Card | None = None


class TokenAuthentication(_Model):
    memberId: MemberId | None = None
    partnerId: Annotated[str, Field(pattern=r"^[0-9]{1,10}$")] | None = None
    sKey: Annotated[str, AfterValidator(_text), Field(min_length=1, max_length=128)]


class Merchant(_Model):
    username: Annotated[str, AfterValidator(_text), Field(min_length=1, max_length=100)]


class TokenRequest(_Model):
    """POST /authToken: memberId + sKey, or partnerId + merchant.username + sKey."""

    authentication: TokenAuthentication
    merchant: Merchant | None = None


class CheckoutRequest(_Model):
    """POST /transaction/Checkout: the browser's form to the Standard Checkout."""

    memberId: MemberId
    totype: Text
    amount: Amount
    merchantTransactionId: MerchantTransactionId
    merchantRedirectUrl: Url
    checksum: Checksum
    currency: Currency | None = None
    notificationUrl: Url | None = None
    TMPL_AMOUNT: AmountText | None = None
    TMPL_CURRENCY: Currency | None = None
    terminalid: Text | None = None
    transactionType: Literal["PA", "DB"] = "DB"
    attemptThreeD: Literal["only3D", "3D", "direct"] = "3D"
    lang: Text | None = None
    orderDescription: FreeText | None = None
    customer: Customer | None = None


class TermUrlForm(_Model):
    """What an ACS posts to TermUrl: its answer and the merchant data it was given."""

    PaRes: Annotated[str, Field(max_length=4096)] = ""
    MD: Annotated[str, Field(max_length=200)] = ""
