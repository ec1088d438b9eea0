"""A thin client for payworks' platform backend API v2, blocking (``PayworksClient``) or awaiting
(``AsyncPayworksClient``), written from payworks' public documentation.

It imports nothing from the sandbox: pointed at ``https://test.payworks.io`` with a Gateway
Manager API identifier and secret it talks to payworks; pointed at
``http://127.0.0.1:8480/payworks`` it talks to psp-sandbox. Two calls are psp-sandbox's, not
payworks' (neither path is public): ``abort`` and ``refund_without_card``.

Every success is ``{"status": "ok", "data": …}``; the calls return ``data``. Transactions are
executed by payworks' app with the card present, which a backend does not do: against
psp-sandbox, its admin API (or the virtual terminal page) stands in for the app.

Exceptions::

    PayworksError
    ├── PayworksTransportError     no usable answer (connection, timeout, body not JSON)
    ├── InvalidEvent               a webhook body that is not a transaction event
    └── PayworksApiError           an error answer: .status, .type, .message, .body
        ├── PayworksAuthError      401 — apiIdentifier or apiSecretKey refused
        ├── PayworksNotFound       404 — unknown merchant or transaction
        └── PayworksConflict       409 — the transaction does not allow it
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx

from ._transport import Answer, AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

Amount = Decimal | int | str
Mode = Literal["TEST", "LIVE"]

INITIALIZED = "INITIALIZED"
PENDING = "PENDING"
APPROVED = "APPROVED"
DECLINED = "DECLINED"
ABORTED = "ABORTED"
ERROR = "ERROR"
STATUSES = (INITIALIZED, PENDING, APPROVED, DECLINED, ABORTED, ERROR)
FINAL_STATUSES = (APPROVED, DECLINED, ABORTED, ERROR)

#: The documented webhook for an approved charge or refund.
TRANSACTION_SUCCEEDED = "transaction.succeeded"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


class PayworksError(Exception):
    """Base of every error this client raises."""


class PayworksTransportError(PayworksError):
    pass


class InvalidEvent(PayworksError):
    pass


class PayworksApiError(PayworksError):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        error = body.get("error") if isinstance(body, dict) else None
        self.type: str | None = str(error.get("type")) if isinstance(error, dict) else None
        self.message: str = (
            str(error.get("message", "")) if isinstance(error, dict) else str(body)[:500]
        )
        super().__init__(f"HTTP {status} {self.type or '-'}: {self.message}")


class PayworksAuthError(PayworksApiError):
    pass


class PayworksNotFound(PayworksApiError):
    pass


class PayworksConflict(PayworksApiError):
    pass


@dataclass(frozen=True)
class PayworksCredentials:
    """A Gateway Manager API identifier and its secret key (not the merchant's secret)."""

    api_identifier: str
    api_secret_key: str

    @property
    def authorization(self) -> str:
        return (
            f"payworks-apiIdentifier apiIdentifier={self.api_identifier},"
            f"apiSecretKey={self.api_secret_key}"
        )


class PayworksApi:
    """What each payworks call sends and how its answer reads: the one implementation behind
    PayworksClient and AsyncPayworksClient."""

    transport_error = PayworksTransportError

    def __init__(self, credentials: PayworksCredentials) -> None:
        self.credentials = credentials
        self._headers = {"Authorization": credentials.authorization}

    # --- transaction sessions -------------------------------------------------------------

    def register_charge(
        self,
        merchant: str,
        amount: Amount,
        currency: str,
        *,
        subject: str | None = None,
        custom_identifier: str | None = None,
        mode: Mode | None = None,
    ) -> Flow[Any]:
        """POST /v2/merchants/{merchant}/transactionSessions for a CHARGE: ``validUntil``, the
        session ``identifier`` for the app, and the ``transaction`` (INITIALIZED)."""
        transaction = {
            "amount": _number(amount),
            "currency": currency,
            "type": "CHARGE",
            "subject": subject,
            "customIdentifier": custom_identifier,
            "mode": mode,
        }
        return self.register(merchant, _present(transaction))

    def register_refund(
        self,
        merchant: str,
        charge: str,
        amount: Amount,
        currency: str,
        *,
        mode: Mode = "TEST",
        subject: str | None = None,
        custom_identifier: str | None = None,
    ) -> Flow[Any]:
        """A card-present REFUND of ``charge`` (its transactionIdentifier): exactly the
        charge's amount and currency."""
        transaction = {
            "referencedTransactionIdentifier": charge,
            "amount": _number(amount),
            "currency": currency,
            "type": "REFUND",
            "mode": mode,
            "subject": subject,
            "customIdentifier": custom_identifier,
        }
        return self.register(merchant, _present(transaction))

    def register(self, merchant: str, transaction: Mapping[str, Any]) -> Flow[Any]:
        """Register any ``transaction`` object as given."""
        path = f"/v2/merchants/{merchant}/transactionSessions"
        return _data((yield self._post(path, {"transaction": dict(transaction)})))

    # --- transactions ---------------------------------------------------------------------

    def transaction(self, identifier: str) -> Flow[Any]:
        """GET /v2/transactions/{identifier}: the transaction as it is now."""
        return _data((yield Request("GET", f"/v2/transactions/{identifier}", None, self._headers)))

    def abort(self, identifier: str) -> Flow[Any]:
        """Abort a transaction the app has not started (psp-sandbox's path)."""
        return _data((yield self._post(f"/v2/transactions/{identifier}/abort", None)))

    def refund_without_card(
        self,
        identifier: str,
        amount: Amount,
        currency: str,
        *,
        subject: str | None = None,
        custom_identifier: str | None = None,
    ) -> Flow[Any]:
        """Refund all or part of an approved charge without the card (psp-sandbox's path)."""
        refund = {
            "amount": _number(amount),
            "currency": currency,
            "subject": subject,
            "customIdentifier": custom_identifier,
        }
        path = f"/v2/transactions/{identifier}/refunds"
        return _data((yield self._post(path, {"refund": _present(refund)})))

    # --- plumbing -------------------------------------------------------------------------

    def send(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str] | None = None
    ) -> Flow[Any]:
        """Any request as given (raw bytes, sent as JSON unless ``headers`` say otherwise):
        the answer's ``data``, or PayworksApiError."""
        sent = {"Content-Type": "application/json"} if body is not None else {}
        request = Request(method, path, body, {**self._headers, **sent, **(headers or {})})
        return _data((yield request))

    def _post(self, path: str, body: Mapping[str, Any] | None) -> Request:
        if body is None:
            return Request("POST", path, None, self._headers)
        return Request.with_json("POST", path, body, self._headers)


class PayworksClient(SyncClient[PayworksApi]):
    """Blocking. ``base_url`` is the host (``https://test.payworks.io``), without ``/v2``."""

    def __init__(
        self,
        base_url: str,
        credentials: PayworksCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        api = PayworksApi(credentials)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)

    register_charge = blocking(PayworksApi.register_charge)
    register_refund = blocking(PayworksApi.register_refund)
    register = blocking(PayworksApi.register)
    transaction = blocking(PayworksApi.transaction)
    abort = blocking(PayworksApi.abort)
    refund_without_card = blocking(PayworksApi.refund_without_card)
    send = blocking(PayworksApi.send)


class AsyncPayworksClient(AsyncClient[PayworksApi]):
    """Awaiting. ``base_url`` is the host (``https://test.payworks.io``), without ``/v2``."""

    def __init__(
        self,
        base_url: str,
        credentials: PayworksCredentials,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        api = PayworksApi(credentials)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)

    register_charge = awaiting(PayworksApi.register_charge)
    register_refund = awaiting(PayworksApi.register_refund)
    register = awaiting(PayworksApi.register)
    transaction = awaiting(PayworksApi.transaction)
    abort = awaiting(PayworksApi.abort)
    refund_without_card = awaiting(PayworksApi.refund_without_card)
    send = awaiting(PayworksApi.send)


# --- what payworks sends the merchant ---------------------------------------------------------


def parse_event(body: bytes) -> dict[str, Any]:
    """A webhook body, checked against the documented envelope: ``identifier``, ``created``
    (``yyyy-MM-dd HH:mm:ss``, UTC), ``type`` and the ``transaction``."""
    try:
        event = json.loads(body)
    except ValueError as error:
        raise InvalidEvent(f"not JSON: {error}") from error
    if not isinstance(event, dict):
        raise InvalidEvent("an event is a JSON object")
    for key in ("identifier", "created", "type"):
        if not isinstance(event.get(key), str):
            raise InvalidEvent(f"event without {key}")
    if not _DATE.match(event["created"]):
        raise InvalidEvent("created is not yyyy-MM-dd HH:mm:ss")
    transaction = event.get("transaction")
    if not isinstance(transaction, dict):
        raise InvalidEvent("event without a transaction")
    for key in ("identifier", "groupIdentifier", "currency", "status", "type", "created"):
        if not isinstance(transaction.get(key), str):
            raise InvalidEvent(f"transaction without {key}")
    if transaction["status"] not in STATUSES:
        raise InvalidEvent(f"unknown status {transaction['status']!r}")
    amount = transaction.get("amount")
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        raise InvalidEvent("transaction.amount is a number")
    return event


def _number(amount: Amount) -> int | float:
    value = Decimal(str(amount))
    return int(value) if value == value.to_integral_value() else float(value)


def _present(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _data(answer: Answer) -> Any:
    try:
        body = answer.json()
    except NotJson as error:
        if answer.status < 400:
            raise PayworksTransportError(str(error)) from error
        body = {"message": answer.text}
    if answer.status < 400:
        if not isinstance(body, dict) or body.get("status") != "ok" or "data" not in body:
            raise PayworksTransportError(f"HTTP {answer.status}: not a payworks answer: {body!r}")
        return body["data"]
    error_class = {401: PayworksAuthError, 404: PayworksNotFound, 409: PayworksConflict}.get(
        answer.status, PayworksApiError
    )
    raise error_class(answer.status, body)
