"""A thin client for Tranzzo's cpay API, blocking (``TranzzoClient``) or awaiting
(``AsyncTranzzoClient``), written from Tranzzo's public documentation.

It imports nothing from the sandbox: pointed at ``https://cpay.tranzzo.com`` with a test
project's credentials it talks to Tranzzo; pointed at ``http://127.0.0.1:8480/tranzzo`` it talks
to psp-sandbox.

Exceptions::

    TranzzoError
    ├── TranzzoTransportError      no usable answer (connection, timeout, body not JSON)
    ├── InvalidSignature           a webhook whose signature does not match
    └── TranzzoApiError            an error answer: .status, .message, .code, .body
        ├── TranzzoAuthError       401 — POS_ID, API key, secret or endpoints key refused
        └── TranzzoNotFound        404 — unknown endpoint, order or operation
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx

from ._transport import Answer, AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

Amount = Decimal | int | str
Bypass3DS = Literal["supported", "always", "never"]


class TranzzoError(Exception):
    """Base of every error this client raises."""


class TranzzoTransportError(TranzzoError):
    pass


class InvalidSignature(TranzzoError):
    pass


class TranzzoApiError(TranzzoError):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        args = body.get("args") if isinstance(body, dict) else None
        self.message: str = str(body.get("message", "")) if isinstance(body, dict) else str(body)
        self.code: str | None = args.get("code") if isinstance(args, dict) else None
        super().__init__(f"HTTP {status} {self.code}: {self.message}")


class TranzzoAuthError(TranzzoApiError):
    pass


class TranzzoNotFound(TranzzoApiError):
    pass


@dataclass(frozen=True)
class TranzzoCredentials:
    pos_id: str
    api_key: str
    api_secret: str
    endpoints_key: str


@dataclass(frozen=True)
class Card:
    number: str
    exp_month: int
    exp_year: int  # two digits, as Tranzzo's examples send it
    cvv: str


class TranzzoApi:
    """What each Tranzzo call sends and how its answer reads: the one implementation behind
    TranzzoClient and AsyncTranzzoClient."""

    transport_error = TranzzoTransportError

    def __init__(self, credentials: TranzzoCredentials) -> None:
        self.credentials = credentials
        self._headers = {
            "X-API-AUTH": f"CPAY {credentials.api_key}:{credentials.api_secret}",
            "X-API-KEY": credentials.endpoints_key,
        }

    # --- primary operations ---------------------------------------------------------------

    def purchase(self, /, order_id: str, amount: Amount, currency: str, **kw: Any) -> Flow[Any]:
        return self.payment("purchase", order_id, amount, currency, **kw)

    def auth(self, /, order_id: str, amount: Amount, currency: str, **kw: Any) -> Flow[Any]:
        return self.payment("auth", order_id, amount, currency, **kw)

    def lookup(self, /, order_id: str, amount: Amount, currency: str, **kw: Any) -> Flow[Any]:
        """A card lookup (card verification): nothing is held or charged."""
        return self.payment("lookup", order_id, amount, currency, **kw)

    def p2p(self, /, order_id: str, amount: Amount, currency: str, **kw: Any) -> Flow[Any]:
        """A card-to-card (p2p) transfer."""
        return self.payment("p2p", order_id, amount, currency, **kw)

    def payment(
        self,
        /,
        method: Literal["purchase", "auth", "credit", "lookup", "p2p"],
        order_id: str,
        amount: Amount,
        currency: str,
        *,
        card: Card | None = None,
        cc_token: str | None = None,
        mode: Literal["direct", "hosted"] = "direct",
        description: str = "Order",
        order_3ds_bypass: Bypass3DS = "supported",
        server_url: str | None = None,
        result_url: str | None = None,
        **fields: Any,
    ) -> Flow[Any]:
        """POST /api/v1/payment. Hosted mode answers the payment page as ``redirect_url``."""
        body: dict[str, Any] = {
            "pos_id": self.credentials.pos_id,
            "mode": mode,
            "method": method,
            "amount": _number(amount),
            "currency": currency,
            "description": description,
            "order_id": order_id,
            "order_3ds_bypass": order_3ds_bypass,
            **fields,
        }
        if card is not None:
            body.update(
                cc_number=card.number,
                exp_month=card.exp_month,
                exp_year=card.exp_year,
                card_cvv=card.cvv,
            )
        if cc_token is not None:
            body["cc_token"] = cc_token
        if server_url is not None:
            body["server_url"] = server_url
        if result_url is not None:
            body["result_url"] = result_url
        headers = {"Accept": "application/json"} if mode == "hosted" else {}
        return _result((yield self._post("/api/v1/payment", body, headers)))

    # --- secondary operations -------------------------------------------------------------

    def capture(
        self, /, order_id: str, currency: str, amount: Amount | None = None, **fields: Any
    ) -> Flow[Any]:
        """POST /api/v1/capture; without ``amount`` the whole authorization is captured."""
        body = self._secondary(order_id, currency, fields)
        if amount is not None:
            body["charge_amount"] = _number(amount)
        return _result((yield self._post("/api/v1/capture", body)))

    def split_capture(
        self,
        /,
        order_id: str,
        currency: str,
        amount: Amount,
        split: Sequence[tuple[str, Amount]],
        **fields: Any,
    ) -> Flow[Any]:
        """POST /api/v1/split/capture: ``amount`` of the authorization, shared among
        sub-merchants as ``(sub_merchant_id, amount)`` pairs that add up to it."""
        body = self._secondary(order_id, currency, fields)
        body["charge_amount"] = _number(amount)
        body["split"] = [
            {"amount": _number(share), "sub_merchant_id": merchant} for merchant, share in split
        ]
        return _result((yield self._post("/api/v1/split/capture", body)))

    def void(self, /, order_id: str, currency: str, **fields: Any) -> Flow[Any]:
        """POST /api/v1/void — the whole authorization."""
        return _result(
            (yield self._post("/api/v1/void", self._secondary(order_id, currency, fields)))
        )

    def refund(
        self, /, order_id: str, currency: str, amount: Amount | None = None, **fields: Any
    ) -> Flow[Any]:
        """POST /api/v1/refund; without ``amount`` the whole payment is refunded."""
        body = self._secondary(order_id, currency, fields)
        if amount is not None:
            body["refund_amount"] = _number(amount)
        return _result((yield self._post("/api/v1/refund", body)))

    # --- information ----------------------------------------------------------------------

    def order_status(self, order_id: str) -> Flow[Any]:
        """GET /api/v1/pos/{POS_ID}/orders/{ORDER_ID}: the order's operations (a list)."""
        path = f"/api/v1/pos/{self.credentials.pos_id}/orders/{order_id}"
        return _result((yield self._get(path)))

    def operation_status(
        self,
        order_id: str,
        operation: str,
        *,
        transaction_id: str | None = None,
        resend_webhook: bool = False,
    ) -> Flow[Any]:
        """One operation; with ``resend_webhook`` Tranzzo sends its webhook again."""
        params = {}
        if transaction_id is not None:
            params["transactionId"] = transaction_id
        if resend_webhook:
            params["callback"] = "true"
        path = f"/api/v1/pos/{self.credentials.pos_id}/orders/{order_id}/{operation}"
        return _result((yield self._get(path, params)))

    def health(self) -> Flow[str]:
        return (yield self._get("/health")).text

    def send(self, path: str, body: Mapping[str, Any]) -> Flow[Any]:
        """POST any body, as given, to ``path``: its JSON answer, or the error it is."""
        return _result((yield self._post(path, body)))

    # --- plumbing -------------------------------------------------------------------------

    def _secondary(self, order_id: str, currency: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "pos_id": self.credentials.pos_id,
            "order_id": order_id,
            "order_currency": currency,
            **{k: v for k, v in fields.items() if v is not None},
        }

    def _post(
        self, path: str, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> Request:
        return Request.with_json(
            "POST", path, body, {**self._headers, **(headers or {})}, follow_redirects=False
        )

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> Request:
        return Request("GET", path, headers=self._headers, params=params, follow_redirects=False)


class TranzzoClient(SyncClient[TranzzoApi]):
    """Blocking. ``base_url`` is the host (``https://cpay.tranzzo.com``), without ``/api/v1``."""

    def __init__(
        self,
        base_url: str,
        credentials: TranzzoCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        api = TranzzoApi(credentials)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    purchase = blocking(TranzzoApi.purchase)
    auth = blocking(TranzzoApi.auth)
    lookup = blocking(TranzzoApi.lookup)
    p2p = blocking(TranzzoApi.p2p)
    payment = blocking(TranzzoApi.payment)
    capture = blocking(TranzzoApi.capture)
    split_capture = blocking(TranzzoApi.split_capture)
    void = blocking(TranzzoApi.void)
    refund = blocking(TranzzoApi.refund)
    order_status = blocking(TranzzoApi.order_status)
    operation_status = blocking(TranzzoApi.operation_status)
    health = blocking(TranzzoApi.health)
    send = blocking(TranzzoApi.send)


class AsyncTranzzoClient(AsyncClient[TranzzoApi]):
    """Awaiting. ``base_url`` is the host (``https://cpay.tranzzo.com``), without ``/api/v1``."""

    def __init__(
        self,
        base_url: str,
        credentials: TranzzoCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        api = TranzzoApi(credentials)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)
        self.credentials = credentials

    purchase = awaiting(TranzzoApi.purchase)
    auth = awaiting(TranzzoApi.auth)
    lookup = awaiting(TranzzoApi.lookup)
    p2p = awaiting(TranzzoApi.p2p)
    payment = awaiting(TranzzoApi.payment)
    capture = awaiting(TranzzoApi.capture)
    split_capture = awaiting(TranzzoApi.split_capture)
    void = awaiting(TranzzoApi.void)
    refund = awaiting(TranzzoApi.refund)
    order_status = awaiting(TranzzoApi.order_status)
    operation_status = awaiting(TranzzoApi.operation_status)
    health = awaiting(TranzzoApi.health)
    send = awaiting(TranzzoApi.send)


# --- webhooks -------------------------------------------------------------------------------


def sign(data: str, api_secret: str) -> str:
    """``base64url(sha1_raw(secret + data + secret))``, padding kept (28 characters)."""
    digest = hashlib.sha1((api_secret + data + api_secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def decode_webhook(form: Mapping[str, str], api_secret: str) -> Any:
    """Check a webhook's ``signature`` and return the operation its ``data`` carries."""
    data = form.get("data", "")
    signature = form.get("signature", "")
    if not hmac.compare_digest(sign(data, api_secret), signature):
        raise InvalidSignature("webhook signature does not match")
    try:
        return json.loads(base64.urlsafe_b64decode(data.encode()))
    except ValueError as error:
        raise InvalidSignature(f"webhook data is not base64url JSON: {error}") from error


def _number(amount: Amount) -> int | float:
    value = Decimal(str(amount))
    return int(value) if value == value.to_integral_value() else float(value)


def _result(answer: Answer) -> Any:
    if answer.status < 400:
        try:
            body = answer.json()
        except NotJson as error:
            raise TranzzoTransportError(str(error)) from error
        if answer.status == 302 and not isinstance(body, dict):
            return {"redirect_url": answer.headers.get("Location")}
        return body
    try:
        body = answer.json()
    except NotJson:
        body = {"message": answer.text}
    error_class = {401: TranzzoAuthError, 404: TranzzoNotFound}.get(answer.status, TranzzoApiError)
    raise error_class(answer.status, body)
