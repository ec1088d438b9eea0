"""A thin client for the Paymentz ("PZ") transactionServices REST API v1, blocking
(``PaymentzClient``) or awaiting (``AsyncPaymentzClient``), written from the platform's public
documentation and its white-labels' integration samples.

It imports nothing from the sandbox: pointed at a PZ gateway's test host (``https://preprod.
<brand>``) with a test member's id and secure key it talks to that gateway; pointed at
``http://127.0.0.1:8480/paymentz`` it talks to psp-sandbox. One thing is the sandbox's, not
PZ's (the path is not public): ``repeat``, the REPEATED charge of a registration.

The client buys an AuthToken on first use and buys a new one when the old one has expired —
by its exp claim, or when the gateway answers that it has (the gateway's clock is the one that
counts). Bodies go as forms with dotted names (or as JSON, ``encoding="json"``); answers are
read as JSON or XML (``accept="xml"``) into the same dictionaries. A processed transaction is
an answer, whatever its result: ``transactionStatus`` Y, N, P, 3D or C tells it.

Exceptions::

    PaymentzError
    ├── PaymentzTransportError     no usable answer (connection, timeout, neither JSON nor XML)
    ├── InvalidCallback            a callback or redirect whose checksum does not match
    └── PaymentzApiError           an error answer: .status, .code, .description, .body
        ├── PaymentzAuthError      401 — token missing, invalid or expired; bad memberId or sKey
        └── PaymentzNotFound       404 — no such record (10009) or endpoint
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx

from ._transport import Answer, AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

Amount = Decimal | int | str
Encoding = Literal["form", "json"]
Format = Literal["json", "xml"]

BASE = "/transactionServices/REST/v1"

#: Short statuses (``transactionStatus``) and the long ones each stands for.
SUCCESS, FAILED, PENDING, THREE_D, CANCELLED = "Y", "N", "P", "3D", "C"
LONG_STATUSES: Mapping[str, str] = {
    "begun": PENDING,
    "authstarted": PENDING,
    "capturestarted": PENDING,
    "cancelstarted": PENDING,
    "markedforreversal": PENDING,
    "payoutstarted": PENDING,
    "authsuccessful": SUCCESS,
    "capturesuccess": SUCCESS,
    "settled": SUCCESS,
    "payoutsuccessful": SUCCESS,
    "reversed": SUCCESS,
    "authfailed": FAILED,
    "capturefailed": FAILED,
    "failed": FAILED,
    "payoutfailed": FAILED,
    "chargeback": FAILED,
    "authcancelled": CANCELLED,
    "cancelled": CANCELLED,
}

#: The documented result codes.
TRANSACTION_SUCCEEDED = "00001"
CAPTURED = "00004"
REFUNDED = "00005"
CANCELLED_SUCCESSFULLY = "00006"
RECORD_FOUND = "00026"
TRANSACTION_FAILED = "10001"
TOKEN_GENERATED = "200"

#: Token codes after which a new token is bought and the call sent once more (sandbox codes:
#: expired, invalid — the platform documents none).
_TOKEN_REFUSED = frozenset({"12002", "12003"})
#: Buy a new token this long before its exp claim says it ends (client clock).
_TOKEN_MARGIN_SECONDS = 30.0
#: XML list fields and the name of their items.
_XML_LISTS: Mapping[str, str] = {"parameters": "parameter", "transactions": "transaction"}


class PaymentzError(Exception):
    """Base of every error this client raises."""


class PaymentzTransportError(PaymentzError):
    pass


class InvalidCallback(PaymentzError):
    pass


class PaymentzApiError(PaymentzError):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        result = body.get("result") if isinstance(body, dict) else None
        self.code: str | None = str(result["code"]) if isinstance(result, dict) else None
        self.description: str = (
            str(result.get("description", "")) if isinstance(result, dict) else str(body)
        )
        super().__init__(f"HTTP {status} {self.code or '-'}: {self.description}")


class PaymentzAuthError(PaymentzApiError):
    pass


class PaymentzNotFound(PaymentzApiError):
    pass


@dataclass(frozen=True)
class PaymentzCredentials:
    member_id: str
    secure_key: str
    #: For the partner login (``authentication.partnerId`` + ``merchant.username``).
    partner_id: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class Card:
    number: str
    expiry_month: int
    expiry_year: int  # four digits
    cvv: str
    holder: str | None = None

    def fields(self) -> dict[str, str]:
        fields = {
            "card.number": self.number,
            "card.expiryMonth": f"{self.expiry_month:02d}",
            "card.expiryYear": str(self.expiry_year),
            "card.cvv": self.cvv,
        }
        if self.holder is not None:
            fields["card.holder"] = self.holder
        return fields


# --- checksums ------------------------------------------------------------------------------


def checksum(*fields: str) -> str:
    """Lowercase MD5 hex of the fields joined by ``|``."""
    return hashlib.md5("|".join(fields).encode()).hexdigest()


def amount_text(amount: Amount) -> str:
    """The amount as Paymentz sends and hashes it: ``50`` → ``"50.00"``; finer is an error."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    exact = value.quantize(Decimal("0.01"))
    if exact != value:
        raise ValueError(f"{amount} has more than two decimals")
    return f"{exact}"


def callback_checksum(
    payment_id: str, merchant_transaction_id: str, amount: str, status: str, secure_key: str
) -> str:
    """``md5(paymentId|merchantTransactionId|amount|transactionStatus|secureKey)``."""
    return checksum(payment_id, merchant_transaction_id, amount, status, secure_key)


def verify_callback(body: Mapping[str, Any], secure_key: str) -> Mapping[str, Any]:
    """Check a callback's checksum and return it (raises InvalidCallback)."""
    return _verified(body, secure_key, "transactionStatus")


def verify_redirect(fields: Mapping[str, str], secure_key: str) -> Mapping[str, str]:
    """Check the fields the browser brings back to merchantRedirectUrl (short status in
    ``status``) and return them (raises InvalidCallback)."""
    _verified(fields, secure_key, "status")
    return fields


def parse_callback(raw: bytes, secure_key: str) -> Mapping[str, Any]:
    """A callback's JSON body, its checksum checked."""
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise InvalidCallback(f"not JSON: {error}") from error
    if not isinstance(body, dict):
        raise InvalidCallback("not a JSON object")
    return verify_callback(body, secure_key)


def _verified(body: Mapping[str, Any], secure_key: str, status_field: str) -> Mapping[str, Any]:
    try:
        expected = callback_checksum(
            str(body["paymentId"]),
            str(body["merchantTransactionId"]),
            str(body["amount"]),
            str(body[status_field]),
            secure_key,
        )
    except KeyError as missing:
        raise InvalidCallback(f"no {missing} in the callback") from None
    if not hmac.compare_digest(expected, str(body.get("checksum", ""))):
        raise InvalidCallback("the checksum does not match")
    return body


# --- the calls ------------------------------------------------------------------------------


class PaymentzApi:
    """What each Paymentz call sends and how its answer reads: the one implementation behind
    PaymentzClient and AsyncPaymentzClient. It holds the current AuthToken."""

    transport_error = PaymentzTransportError

    def __init__(
        self,
        credentials: PaymentzCredentials,
        *,
        encoding: Encoding = "form",
        accept: Format = "json",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.credentials = credentials
        self.encoding = encoding
        self.accept = accept
        self._clock = clock
        self.token: str | None = None
        self._token_ends = 0.0

    # --- the token ------------------------------------------------------------------------

    def auth_token(self) -> Flow[Any]:
        """POST /authToken: buy a token (kept for the calls that follow)."""
        c = self.credentials
        fields = {"authentication.sKey": c.secure_key}
        if c.partner_id is not None and c.username is not None:
            fields |= {"authentication.partnerId": c.partner_id, "merchant.username": c.username}
        else:
            fields["authentication.memberId"] = c.member_id
        answer = _result((yield self._request("POST", "/authToken", fields, {})))
        self.token = str(answer["AuthToken"])
        self._token_ends = _expiry(self.token)
        return answer

    def _token(self) -> Flow[str]:
        if self.token is None or self._clock() >= self._token_ends - _TOKEN_MARGIN_SECONDS:
            yield from self.auth_token()
        assert self.token is not None
        return self.token

    def call(self, method: str, path: str, fields: Mapping[str, str]) -> Flow[Any]:
        """Send ``fields`` with the current token; on a token refusal buy one and retry once."""
        token = yield from self._token()
        answer = yield self._request(method, path, fields, {"AuthToken": token})
        if answer.status == 401 and _code(answer) in _TOKEN_REFUSED:
            yield from self.auth_token()
            assert self.token is not None
            answer = yield self._request(method, path, fields, {"AuthToken": self.token})
        return _result(answer)

    # --- payments -------------------------------------------------------------------------

    def debit(
        self, /, merchant_transaction_id: str, amount: Amount, currency: str, card: Card, **kw: Any
    ) -> Flow[Any]:
        """POST /payments, paymentType DB: authorize and capture."""
        return self.payment("DB", merchant_transaction_id, amount, currency, card, **kw)

    def preauth(
        self, /, merchant_transaction_id: str, amount: Amount, currency: str, card: Card, **kw: Any
    ) -> Flow[Any]:
        """POST /payments, paymentType PA: authorize now, capture later."""
        return self.payment("PA", merchant_transaction_id, amount, currency, card, **kw)

    def payment(
        self,
        /,
        payment_type: Literal["DB", "PA"],
        merchant_transaction_id: str,
        amount: Amount,
        currency: str,
        card: Card,
        *,
        notification_url: str | None = None,
        redirect_url: str | None = None,
        create_registration: bool = False,
        recurring_type: Literal["INITIAL"] | None = None,
        **fields: str,
    ) -> Flow[Any]:
        """POST /payments; ``fields`` adds any documented field by its dotted name."""
        text = amount_text(amount)
        body = {
            **self._checked(merchant_transaction_id, text),
            "merchantTransactionId": merchant_transaction_id,
            "amount": text,
            "currency": currency,
            "paymentType": payment_type,
            **card.fields(),
            **_optional(notification_url, redirect_url),
            **fields,
        }
        if create_registration:
            body["createRegistration"] = "true"
        if recurring_type is not None:
            body["recurringType"] = recurring_type
        return (yield from self.call("POST", "/payments", body))

    def repeat(
        self,
        /,
        registration_id: str,
        merchant_transaction_id: str,
        amount: Amount,
        currency: str,
        payment_type: Literal["DB", "PA"] = "DB",
        **fields: str,
    ) -> Flow[Any]:
        """A REPEATED charge of a registration (psp-sandbox's path: PZ publishes none)."""
        text = amount_text(amount)
        body = {
            **self._checked(merchant_transaction_id, text),
            "merchantTransactionId": merchant_transaction_id,
            "amount": text,
            "currency": currency,
            "paymentType": payment_type,
            "recurringType": "REPEATED",
            **fields,
        }
        path = f"/registrations/{registration_id}/payments"
        return (yield from self.call("POST", path, body))

    def payout(
        self,
        /,
        merchant_transaction_id: str,
        amount: Amount,
        currency: str,
        *,
        payment_id: str | None = None,
        card: Card | None = None,
        notification_url: str | None = None,
        **fields: str,
    ) -> Flow[Any]:
        """POST /payout: to a card, or to the card of an earlier ``payment_id``."""
        c = self.credentials
        text = amount_text(amount)
        body = {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(
                c.member_id, merchant_transaction_id, text, c.secure_key
            ),
            "merchantTransactionId": merchant_transaction_id,
            "amount": text,
            "currency": currency,
            "paymentType": "PO",
            **(card.fields() if card is not None else {}),
            **({"paymentId": payment_id} if payment_id is not None else {}),
            **_optional(notification_url, None),
            **fields,
        }
        return (yield from self.call("POST", "/payout", body))

    # --- backoffice operations ------------------------------------------------------------

    def capture(self, /, payment_id: str, amount: Amount, currency: str | None = None) -> Flow[Any]:
        """CP: capture all or part of a preauthorization."""
        return self._operation("CP", payment_id, amount, currency)

    def refund(self, /, payment_id: str, amount: Amount, currency: str | None = None) -> Flow[Any]:
        """RF: refund a debited or captured payment (once)."""
        return self._operation("RF", payment_id, amount, currency)

    def reverse(self, /, payment_id: str, amount: Amount | None = None) -> Flow[Any]:
        """RV: cancel a preauthorization (all of it)."""
        return self._operation("RV", payment_id, amount, None)

    def inquire(self, payment_id: str) -> Flow[Any]:
        """IN: the transaction as it is now (long ``status``)."""
        return self._operation("IN", payment_id, None, None)

    def status(self, payment_id: str) -> Flow[Any]:
        """GET /payments/{paymentId}: the status after a redirect."""
        c = self.credentials
        query = {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(c.member_id, c.secure_key, payment_id),
        }
        return (yield from self.call("GET", f"/payments/{payment_id}", query))

    def inquiry(self, merchant_transaction_id: str) -> Flow[Any]:
        """POST /inquiry by merchantTransactionId (idType MID)."""
        c = self.credentials
        body = {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(c.member_id, c.secure_key, merchant_transaction_id),
            "idType": "MID",
            "merchantTransactionId": merchant_transaction_id,
        }
        return (yield from self.call("POST", "/inquiry", body))

    def transactions(self, first: date, last: date, status: str | None = None) -> Flow[Any]:
        """POST /getTransactionList: the transactions made from ``first`` to ``last``."""
        c = self.credentials
        body = {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(c.member_id, c.secure_key),
            "pagination.fromdate": first.strftime("%d/%m/%Y"),
            "pagination.todate": last.strftime("%d/%m/%Y"),
        }
        if status is not None:
            body["status"] = status
        return (yield from self.call("POST", "/getTransactionList", body))

    def send(self, path: str, fields: Mapping[str, str], method: str = "POST") -> Flow[Any]:
        """Send ``fields`` as given (with the token) to ``path`` under the base path."""
        return (yield from self.call(method, path, fields))

    # --- plumbing -------------------------------------------------------------------------

    def _operation(
        self, kind: str, payment_id: str, amount: Amount | None, currency: str | None
    ) -> Flow[Any]:
        c = self.credentials
        body = {"authentication.memberId": c.member_id, "paymentType": kind}
        if kind in ("CP", "RF"):
            assert amount is not None
            text = amount_text(amount)
            body["authentication.checksum"] = checksum(c.member_id, c.secure_key, payment_id, text)
            body["amount"] = text
        else:
            body["authentication.checksum"] = checksum(c.member_id, c.secure_key, payment_id)
            if amount is not None:
                body["amount"] = amount_text(amount)
        if currency is not None:
            body["currency"] = currency
        return (yield from self.call("POST", f"/payments/{payment_id}", body))

    def _checked(self, merchant_transaction_id: str, amount: str) -> dict[str, str]:
        c = self.credentials
        return {
            "authentication.memberId": c.member_id,
            "authentication.checksum": checksum(
                c.member_id, c.secure_key, merchant_transaction_id, amount
            ),
        }

    def _request(
        self, method: str, path: str, fields: Mapping[str, str], headers: Mapping[str, str]
    ) -> Request:
        wanted = "application/xml" if self.accept == "xml" else "application/json"
        headers = {"Accept": wanted, **headers}
        url = BASE + path
        if method == "GET":
            return Request("GET", url, headers=headers, params=dict(fields))
        if self.encoding == "json":
            return Request.with_json(method, url, nested(fields), headers)
        body = urlencode(fields).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        return Request(method, url, body, form)


class PaymentzClient(SyncClient[PaymentzApi]):
    """Blocking. ``base_url`` is the host (``https://preprod.<brand>``), without the base path."""

    def __init__(
        self,
        base_url: str,
        credentials: PaymentzCredentials,
        *,
        encoding: Encoding = "form",
        accept: Format = "json",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        api = PaymentzApi(credentials, encoding=encoding, accept=accept)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    auth_token = blocking(PaymentzApi.auth_token)
    debit = blocking(PaymentzApi.debit)
    preauth = blocking(PaymentzApi.preauth)
    payment = blocking(PaymentzApi.payment)
    repeat = blocking(PaymentzApi.repeat)
    payout = blocking(PaymentzApi.payout)
    capture = blocking(PaymentzApi.capture)
    refund = blocking(PaymentzApi.refund)
    reverse = blocking(PaymentzApi.reverse)
    inquire = blocking(PaymentzApi.inquire)
    status = blocking(PaymentzApi.status)
    inquiry = blocking(PaymentzApi.inquiry)
    transactions = blocking(PaymentzApi.transactions)
    send = blocking(PaymentzApi.send)


class AsyncPaymentzClient(AsyncClient[PaymentzApi]):
    """Awaiting. ``base_url`` is the host (``https://preprod.<brand>``), without the base path."""

    def __init__(
        self,
        base_url: str,
        credentials: PaymentzCredentials,
        *,
        encoding: Encoding = "form",
        accept: Format = "json",
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        api = PaymentzApi(credentials, encoding=encoding, accept=accept)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    auth_token = awaiting(PaymentzApi.auth_token)
    debit = awaiting(PaymentzApi.debit)
    preauth = awaiting(PaymentzApi.preauth)
    payment = awaiting(PaymentzApi.payment)
    repeat = awaiting(PaymentzApi.repeat)
    payout = awaiting(PaymentzApi.payout)
    capture = awaiting(PaymentzApi.capture)
    refund = awaiting(PaymentzApi.refund)
    reverse = awaiting(PaymentzApi.reverse)
    inquire = awaiting(PaymentzApi.inquire)
    status = awaiting(PaymentzApi.status)
    inquiry = awaiting(PaymentzApi.inquiry)
    transactions = awaiting(PaymentzApi.transactions)
    send = awaiting(PaymentzApi.send)


# --- answers --------------------------------------------------------------------------------


def decode(answer: Answer) -> Any:
    """An answer's body as a dictionary, from JSON or from XML (``<response>…``)."""
    content_type = answer.headers.get("Content-Type", "")
    if "xml" in content_type:
        return xml_to_dict(answer.text)
    try:
        return answer.json()
    except NotJson as error:
        raise PaymentzTransportError(str(error)) from error


def xml_to_dict(text: str) -> dict[str, Any]:
    """``<response><a>1</a><b><c>2</c></b></response>`` → ``{"a": "1", "b": {"c": "2"}}``."""
    try:
        root = ElementTree.fromstring(text.encode())
    except ElementTree.ParseError as error:
        raise PaymentzTransportError(f"not XML: {error}: {text[:200]!r}") from error
    value = _element(root)
    return value if isinstance(value, dict) else {}


def _element(element: ElementTree.Element) -> Any:
    children = list(element)
    if element.tag in _XML_LISTS:
        return [_element(child) for child in children]
    if not children:
        return element.text or ""
    return {child.tag: _element(child) for child in children}


def _result(answer: Answer) -> Any:
    if answer.status < 400:
        return decode(answer)
    try:
        body = decode(answer)
    except PaymentzTransportError:
        body = {"result": {"code": None, "description": answer.text[:200]}}
    error_class = {401: PaymentzAuthError, 404: PaymentzNotFound}.get(
        answer.status, PaymentzApiError
    )
    raise error_class(answer.status, body)


def _code(answer: Answer) -> str | None:
    try:
        body = decode(answer)
    except PaymentzTransportError:
        return None
    result = body.get("result") if isinstance(body, dict) else None
    return str(result.get("code")) if isinstance(result, dict) else None


def _expiry(token: str) -> float:
    """The exp claim of a JWT, read without checking its signature (the gateway's key is not
    the client's); 0 if unreadable, so the token is renewed before each call."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError):
        return 0.0


def _optional(notification_url: str | None, redirect_url: str | None) -> dict[str, str]:
    fields = {}
    if notification_url is not None:
        fields["notificationUrl"] = notification_url
    if redirect_url is not None:
        fields["merchantRedirectUrl"] = redirect_url
    return fields


def nested(fields: Mapping[str, str]) -> dict[str, Any]:
    """Dotted names as nested JSON objects: ``card.number`` → ``{"card": {"number": …}}``."""
    body: dict[str, Any] = {}
    for name, value in fields.items():
        *groups, last = name.split(".")
        target = body
        for group in groups:
            target = target.setdefault(group, {})
        target[last] = value
    return body
