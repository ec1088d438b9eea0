"""Paymentz answer models: the OpenAPI document's account of what each endpoint returns.

Every amount is a 2-decimal string, every timestamp ``YYYY-MM-DD HH:mm:ss``; fields without a
value are left out, never sent as null. The same content is served as XML on request.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...wire import WireModel

ShortStatus = Literal["Y", "N", "P", "3D", "C"]


class Result(WireModel):
    code: str = Field(description="00001 succeeded, 10001 failed … (docs/fidelity/paymentz.md)")
    description: str


class CardOut(WireModel):
    bin: str
    last4Digits: str
    holder: str | None = None
    expiryMonth: str | None = None
    expiryYear: str | None = None


class RedirectParameter(WireModel):
    name: str
    value: str


class RedirectOut(WireModel):
    """Where the merchant sends the cardholder: POST ``parameters`` as a form to ``url``."""

    url: str
    method: Literal["POST"]
    parameters: list[RedirectParameter]


class CustomerOut(WireModel):
    email: str | None = None
    id: str | None = None


class _Transaction(WireModel):
    """What every answer about a debit, preauthorization or payout starts with."""

    paymentId: str
    paymentType: Literal["DB", "PA", "PO"]
    paymentBrand: str | None = None
    paymentMode: str | None = None
    amount: str
    currency: str
    descriptor: str


class PaymentAnswer(_Transaction):
    """A debit, preauthorization, repeated charge or payout as it stands after the request."""

    result: Result
    card: CardOut | None = None
    timestamp: str
    merchantTransactionId: str
    transactionStatus: ShortStatus
    remark: str | None = None
    tmpl_amount: str | None = None
    tmpl_currency: str | None = None
    registrationId: str | None = None
    redirect: RedirectOut | None = None


class OperationAnswer(WireModel):
    """A capture, refund or reversal: its result, on the payment it acted on."""

    paymentId: str
    paymentType: Literal["CP", "RF", "RV"]
    amount: str
    currency: str
    merchantTransactionId: str
    result: Result
    timestamp: str
    transactionStatus: ShortStatus


class Inquiry(_Transaction):
    """A transaction as it is now (IN, the status GET, /inquiry)."""

    merchantTransactionId: str
    status: str = Field(description="Long status: authsuccessful, capturesuccess, reversed …")
    transactionStatus: ShortStatus
    result: Result
    remark: str
    eci: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    customer: CustomerOut | None = None
    card: CardOut | None = None
    capturedAmount: str
    refundedAmount: str
    bankReferenceId: str | None = None
    registrationId: str | None = None
    tmpl_amount: str | None = None
    tmpl_currency: str | None = None
    timestamp: str


class TransactionSummary(WireModel):
    paymentId: str
    merchantTransactionId: str
    paymentType: Literal["DB", "PA", "PO"]
    amount: str
    currency: str
    status: str
    transactionStatus: ShortStatus
    timestamp: str


class TransactionList(WireModel):
    transactions: list[TransactionSummary]
    result: Result
    timestamp: str


class TokenAnswer(WireModel):
    """``AuthToken``: an HS256 JWT (sub, role, iss "PZ", iat, exp), good for one hour."""

    partnerId: str | None = None
    memberId: str
    result: Result
    timestamp: str
    LoginName: str
    AuthToken: str


class ErrorAnswer(WireModel):
    """Any refusal: the result code and its description."""

    result: Result
    timestamp: str
