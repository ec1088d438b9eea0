"""A thin client for Fiserv's IPG / First Data Gateway REST API v2, blocking (``FiservClient``)
or awaiting (``AsyncFiservClient``), written from Fiserv's public documentation and
specification.

It imports nothing from the sandbox: pointed at ``https://cert.api.firstdata.com/gateway/v2``
with a test app's Api-Key and secret it talks to Fiserv; pointed at
``http://127.0.0.1:8480/fiserv/gateway/v2`` it talks to psp-sandbox. Every request is signed:
``Message-Signature = Base64(HMAC-SHA256(secret, Api-Key + Client-Request-Id + Timestamp +
body))`` over the exact body bytes sent, the MAC hex-encoded before Base64 as Fiserv's SDKs do
(``encoding="raw"`` Base64-encodes the raw MAC instead, as the NPM SDK does).

Exceptions::

    FiservError
    ├── FiservTransportError       no usable answer (connection, timeout, body not JSON)
    └── FiservApiError             an error answer: .status, .response_type, .code, .message, .body
        ├── FiservBadRequest       400, 415 — the request is invalid or not properly formed
        ├── FiservAuthError        401, 403 — Api-Key, signature, timestamp or request id refused
        ├── FiservNotFound         404 — no such resource (transaction, order, token)
        └── FiservDeclined         409 GatewayDeclined, 422 EndpointDeclined, 502 — with the
                                   recorded transaction (when there is one) in .body
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx

from ._transport import Answer, AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

Amount = Decimal | int | str
Encoding = Literal["hex", "raw"]


class FiservError(Exception):
    """Base of every error this client raises."""


class FiservTransportError(FiservError):
    pass


class FiservApiError(FiservError):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        error = body.get("error") if isinstance(body, dict) else None
        self.response_type: str | None = (
            body.get("responseType") if isinstance(body, dict) else None
        )
        self.code: str | None = str(error.get("code")) if isinstance(error, dict) else None
        self.message: str = str(error.get("message", "")) if isinstance(error, dict) else str(body)
        super().__init__(f"HTTP {status} {self.response_type} {self.code}: {self.message}")


class FiservBadRequest(FiservApiError):
    pass


class FiservAuthError(FiservApiError):
    pass


class FiservNotFound(FiservApiError):
    pass


class FiservDeclined(FiservApiError):
    pass


@dataclass(frozen=True)
class FiservCredentials:
    api_key: str
    #: Signs every request; None sends no Message-Signature.
    api_secret: str | None
    store_id: str | None = None


@dataclass(frozen=True)
class Card:
    number: str
    month: str  # "MM"
    year: str  # "YY"
    security_code: str | None = "123"

    def as_json(self) -> dict[str, Any]:
        card: dict[str, Any] = {
            "number": self.number,
            "expiryDate": {"month": self.month, "year": self.year},
        }
        if self.security_code is not None:
            card["securityCode"] = self.security_code
        return card


def signature(
    api_key: str,
    api_secret: str,
    client_request_id: str,
    timestamp: str,
    body: bytes,
    encoding: Encoding = "hex",
) -> str:
    mac = hmac.new(
        api_secret.encode(),
        api_key.encode() + client_request_id.encode() + timestamp.encode() + body,
        hashlib.sha256,
    )
    raw = mac.hexdigest().encode() if encoding == "hex" else mac.digest()
    return base64.b64encode(raw).decode()


def amount(total: Amount, currency: str) -> dict[str, Any]:
    return {"total": str(Decimal(str(total))), "currency": currency}


class FiservApi:
    """What each Fiserv call sends and how its answer reads: the one implementation behind
    FiservClient and AsyncFiservClient. ``clock`` gives the epoch seconds the Timestamp header
    is made from."""

    transport_error = FiservTransportError

    def __init__(
        self,
        credentials: FiservCredentials,
        clock: Callable[[], float] = time.time,
        encoding: Encoding = "hex",
    ) -> None:
        self.credentials = credentials
        self.clock = clock
        self.encoding = encoding

    # --- primary transactions -------------------------------------------------------------

    def sale(self, /, total: Amount, currency: str, **kw: Any) -> Flow[Any]:
        return self.primary("Sale", total, currency, **kw)

    def preauth(self, /, total: Amount, currency: str, **kw: Any) -> Flow[Any]:
        return self.primary("PreAuth", total, currency, **kw)

    def credit(self, /, total: Amount, currency: str, card: Card, **fields: Any) -> Flow[Any]:
        body = {
            "requestType": "PaymentCardCreditTransaction",
            "transactionAmount": amount(total, currency),
            "paymentMethod": {"paymentCard": card.as_json()},
            **fields,
        }
        return self.send("POST", "/payments", body)

    def primary(
        self,
        /,
        kind: Literal["Sale", "PreAuth"],
        total: Amount,
        currency: str,
        *,
        card: Card | None = None,
        token: str | None = None,
        order_id: str | None = None,
        create_token: Mapping[str, Any] | None = None,
        authentication: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Flow[Any]:
        """POST /payments: ``PaymentCard<kind>Transaction`` (or ``PaymentToken...`` with a
        token); ``authentication`` is an ``authenticationRequest`` object."""
        source = "PaymentToken" if token is not None else "PaymentCard"
        body: dict[str, Any] = {
            "requestType": f"{source}{kind}Transaction",
            "transactionAmount": amount(total, currency),
        }
        if token is not None:
            body["paymentMethod"] = {"paymentToken": {"value": token}}
        elif card is not None:
            body["paymentMethod"] = {"paymentCard": card.as_json()}
        if order_id is not None:
            body["order"] = {"orderId": order_id}
        if create_token is not None:
            body["createToken"] = dict(create_token)
        if authentication is not None:
            body["authenticationRequest"] = dict(authentication)
        if self.credentials.store_id:
            body["storeId"] = self.credentials.store_id
        body.update(fields)
        return self.send("POST", "/payments", body)

    # --- secondary transactions -----------------------------------------------------------

    def postauth(
        self,
        /,
        reference: str,
        total: Amount,
        currency: str,
        *,
        split_shipment: Mapping[str, Any] | None = None,
        by_order: bool = False,
        **fields: Any,
    ) -> Flow[Any]:
        body: dict[str, Any] = {
            "requestType": "PostAuthTransaction",
            "transactionAmount": amount(total, currency),
            **fields,
        }
        if split_shipment is not None:
            body["splitShipment"] = dict(split_shipment)
        return self.secondary(reference, body, by_order=by_order)

    def void(
        self,
        reference: str,
        total: Amount | None = None,
        currency: str | None = None,
        *,
        by_order: bool = False,
    ) -> Flow[Any]:
        body: dict[str, Any] = {"requestType": "VoidTransaction"}
        if total is not None and currency is not None:
            body["transactionAmount"] = amount(total, currency)
        return self.secondary(reference, body, by_order=by_order)

    def void_preauth(self, reference: str, *, by_order: bool = False) -> Flow[Any]:
        body = {"requestType": "VoidPreAuthTransactions"}
        return self.secondary(reference, body, by_order=by_order)

    def return_(
        self, reference: str, total: Amount, currency: str, *, by_order: bool = False
    ) -> Flow[Any]:
        body = {"requestType": "ReturnTransaction", "transactionAmount": amount(total, currency)}
        return self.secondary(reference, body, by_order=by_order)

    def change_preauth(
        self, reference: str, total: Amount, currency: str, *, decremental: bool = False
    ) -> Flow[Any]:
        body = {
            "requestType": "PreAuthSecondaryTransaction",
            "transactionAmount": amount(total, currency),
            "decrementalFlag": decremental,
        }
        return self.secondary(reference, body)

    def secondary(
        self, reference: str, body: Mapping[str, Any], *, by_order: bool = False
    ) -> Flow[Any]:
        """POST /payments/{transaction-id}, or with ``by_order`` /orders/{order-id}."""
        path = f"/orders/{reference}" if by_order else f"/payments/{reference}"
        return self.send("POST", path, body)

    # --- 3-D Secure -----------------------------------------------------------------------

    def method_done(self, transaction_id: str, status: str = "RECEIVED") -> Flow[Any]:
        body = {
            "authenticationType": "Secure3DAuthenticationUpdateRequest",
            "methodNotificationStatus": status,
        }
        return self.send("PATCH", f"/payments/{transaction_id}", body)

    def challenge_done(self, transaction_id: str, cres: str) -> Flow[Any]:
        body = {
            "authenticationType": "Secure3DAuthenticationUpdateRequest",
            "acsResponse": {"cRes": cres},
        }
        return self.send("PATCH", f"/payments/{transaction_id}", body)

    # --- inquiries and tokens -------------------------------------------------------------

    def transaction(self, transaction_id: str) -> Flow[Any]:
        return self.send("GET", f"/payments/{transaction_id}")

    def order(self, order_id: str) -> Flow[Any]:
        return self.send("GET", f"/orders/{order_id}")

    def create_token(
        self, card: Card, *, value: str | None = None, reusable: bool = True
    ) -> Flow[Any]:
        create: dict[str, Any] = {"reusable": reusable, "declineDuplicates": False}
        if value is not None:
            create["value"] = value
        body = {
            "requestType": "PaymentCardPaymentTokenizationRequest",
            "paymentCard": card.as_json(),
            "createToken": create,
        }
        return self.send("POST", "/payment-tokens", body)

    def token(self, value: str) -> Flow[Any]:
        return self.send("GET", f"/payment-tokens/{value}")

    def delete_token(self, value: str) -> Flow[Any]:
        return self.send("DELETE", f"/payment-tokens/{value}")

    def update_tokens(self, tokens: Sequence[tuple[str, Card]]) -> Flow[Any]:
        """PATCH /payment-tokens: put new cards behind existing tokens (``(value, card)``)."""
        body = {
            "requestType": "PaymentCardPaymentTokenUpdateRequest",
            "paymentTokens": [
                {"value": value, "reusable": True, "declineDuplicates": False,
                 "paymentCard": card.as_json()}
                for value, card in tokens
            ],
        }  # fmt: skip
        return self.send("PATCH", "/payment-tokens", body)

    def access_token(self, domain: str, token: str, *, public_key: bool = False) -> Flow[Any]:
        """POST /authentication/access-tokens: a tokenId for ``Authorization: Bearer``."""
        body = {"domain": domain, "token": token, "publicKeyRequired": public_key}
        return self.send("POST", "/authentication/access-tokens", body)

    # --- plumbing -------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        client_request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Flow[Any]:
        """Sign and send; the JSON answer, or the FiservApiError it is."""
        answer = yield from self.call(
            method, path, body, client_request_id=client_request_id, headers=headers
        )
        return _result(answer)

    def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        client_request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Flow[Answer]:
        """Sign and send; the raw answer, whatever its status."""
        data = b"" if body is None else json.dumps(body).encode()
        request_id = client_request_id or str(uuid.uuid4())
        timestamp = str(int(self.clock() * 1000))
        signed = {
            "Content-Type": "application/json",
            "Client-Request-Id": request_id,
            "Api-Key": self.credentials.api_key,
            "Timestamp": timestamp,
        }
        if self.credentials.api_secret is not None:
            signed["Message-Signature"] = signature(
                self.credentials.api_key,
                self.credentials.api_secret,
                request_id,
                timestamp,
                data,
                self.encoding,
            )
        request = Request(
            method, path, data or None, {**signed, **(headers or {})}, follow_redirects=False
        )
        return (yield request)


class FiservClient(SyncClient[FiservApi]):
    """Blocking. ``base_url`` includes the base path (``.../gateway/v2``). ``clock`` gives the epoch
    seconds the Timestamp header is made from (a sandbox tenant's virtual time, say)."""

    def __init__(
        self,
        base_url: str,
        credentials: FiservCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        encoding: Encoding = "hex",
        http: httpx.Client | None = None,
    ) -> None:
        api = FiservApi(credentials, clock, encoding)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    sale = blocking(FiservApi.sale)
    preauth = blocking(FiservApi.preauth)
    credit = blocking(FiservApi.credit)
    primary = blocking(FiservApi.primary)
    postauth = blocking(FiservApi.postauth)
    void = blocking(FiservApi.void)
    void_preauth = blocking(FiservApi.void_preauth)
    return_ = blocking(FiservApi.return_)
    change_preauth = blocking(FiservApi.change_preauth)
    secondary = blocking(FiservApi.secondary)
    method_done = blocking(FiservApi.method_done)
    challenge_done = blocking(FiservApi.challenge_done)
    transaction = blocking(FiservApi.transaction)
    order = blocking(FiservApi.order)
    create_token = blocking(FiservApi.create_token)
    token = blocking(FiservApi.token)
    delete_token = blocking(FiservApi.delete_token)
    update_tokens = blocking(FiservApi.update_tokens)
    access_token = blocking(FiservApi.access_token)
    send = blocking(FiservApi.send)
    call = blocking(FiservApi.call)


class AsyncFiservClient(AsyncClient[FiservApi]):
    """Awaiting. ``base_url`` includes the base path (``.../gateway/v2``). ``clock`` gives the epoch
    seconds the Timestamp header is made from (a sandbox tenant's virtual time, say)."""

    def __init__(
        self,
        base_url: str,
        credentials: FiservCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        encoding: Encoding = "hex",
        http: httpx.AsyncClient | None = None,
    ) -> None:
        api = FiservApi(credentials, clock, encoding)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    sale = awaiting(FiservApi.sale)
    preauth = awaiting(FiservApi.preauth)
    credit = awaiting(FiservApi.credit)
    primary = awaiting(FiservApi.primary)
    postauth = awaiting(FiservApi.postauth)
    void = awaiting(FiservApi.void)
    void_preauth = awaiting(FiservApi.void_preauth)
    return_ = awaiting(FiservApi.return_)
    change_preauth = awaiting(FiservApi.change_preauth)
    secondary = awaiting(FiservApi.secondary)
    method_done = awaiting(FiservApi.method_done)
    challenge_done = awaiting(FiservApi.challenge_done)
    transaction = awaiting(FiservApi.transaction)
    order = awaiting(FiservApi.order)
    create_token = awaiting(FiservApi.create_token)
    token = awaiting(FiservApi.token)
    delete_token = awaiting(FiservApi.delete_token)
    update_tokens = awaiting(FiservApi.update_tokens)
    access_token = awaiting(FiservApi.access_token)
    send = awaiting(FiservApi.send)
    call = awaiting(FiservApi.call)


_ERRORS: Mapping[int, type[FiservApiError]] = {
    400: FiservBadRequest,
    415: FiservBadRequest,
    401: FiservAuthError,
    403: FiservAuthError,
    404: FiservNotFound,
    409: FiservDeclined,
    422: FiservDeclined,
    502: FiservDeclined,
}


def _result(answer: Answer) -> Any:
    try:
        body = answer.json()
    except NotJson as error:
        if answer.status < 400:
            raise FiservTransportError(str(error)) from error
        body = {"error": {"message": answer.text}}
    if answer.status < 400:
        return body
    raise _ERRORS.get(answer.status, FiservApiError)(answer.status, body)
