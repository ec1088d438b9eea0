"""A thin client for Macropay's "Revup" API v2, blocking (``MacropayClient``) or awaiting
(``AsyncMacropayClient``), written from Revup's public documentation.

It imports nothing from the sandbox: pointed at ``https://test.api.macropay.com/v2`` with a test
merchant's ``x-api-key`` it talks to Revup; pointed at ``http://127.0.0.1:8480/macropay/v2`` it
talks to psp-sandbox. Two things are the sandbox's, not Revup's (neither is public): the card
form of ``pay_with_card`` (Revup's SDK sends a ciphered blob instead) and the transaction
inquiry path of ``transaction``.

Every payment the API forwards answers 200; ``transactionStatus`` tells the outcome
(``success``, ``failed``, ``in_process``, ``waiting_user_interaction``). Any other answer is an
error.

Exceptions::

    MacropayError
    ├── MacropayTransportError     no usable answer (connection, timeout, body not JSON)
    ├── InvalidMessage             a notification or callback body that is not as documented
    └── MacropayApiError           a non-200 answer: .status, .code, .message, .body
        ├── MacropayAuthError      403 — x-api-key missing or refused
        └── MacropayServerError    500 — 0900 Internal Server Error
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx

from ._transport import Answer, AsyncClient, Flow, NotJson, Request, SyncClient, awaiting, blocking

Amount = Decimal | int | str
RecurrenceStep = Literal["initial", "recurring", "final"]

SUCCESS = "success"
FAILED = "failed"
IN_PROCESS = "in_process"
WAITING_USER_INTERACTION = "waiting_user_interaction"
STATUSES = (SUCCESS, FAILED, IN_PROCESS, WAITING_USER_INTERACTION)
FINAL_STATUSES = (SUCCESS, FAILED)

#: The documented ``message`` of each status in a pay answer.
PAY_MESSAGES: Mapping[str, str] = {
    SUCCESS: "The payment has been processed successfully",
    FAILED: "The payment has failed",
    IN_PROCESS: "The payment is being processed",
    WAITING_USER_INTERACTION: "The payment is being processed",
}

#: The documented error codes and their messages.
ERRORS: Mapping[str, str] = {
    "0905": "Problem Parsing Request",
    "0300": "Invalid Request",
    "0108": "Transaction Not Found",
    "0906": "Request Already Processed",
    "0303": "Invalid Card Number",
    "0306": "Invalid Cardholder Name",
    "0309": "Invalid CVV",
    "0310": "Invalid Expiry Date",
    "0312": "Missing or Invalid Data",
    "0150": "Recurring Data Reference Not Available",
    "0151": "Token Not Found",
    "0204": "Expired Card",
    "0907": "Configuration Error - MID Required",
    "0307": "Invalid Currency",
    "0207": "Transaction Not Permitted",
    "0102": "Authorization Failed",
    "0900": "Internal Server Error",
}
EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"


class MacropayError(Exception):
    """Base of every error this client raises."""


class MacropayTransportError(MacropayError):
    pass


class InvalidMessage(MacropayError):
    pass


class MacropayApiError(MacropayError):
    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        error = body.get("error") if isinstance(body, dict) else None
        self.code: str | None = str(error["code"]) if isinstance(error, dict) else None
        if isinstance(error, dict):
            self.message = str(error.get("message", ""))
        elif isinstance(body, dict):
            self.message = str(body.get("message", ""))
        else:
            self.message = str(body)
        super().__init__(f"HTTP {status} {self.code or '-'}: {self.message}")


class MacropayAuthError(MacropayApiError):
    pass


class MacropayServerError(MacropayApiError):
    pass


@dataclass(frozen=True)
class Card:
    number: str
    holder: str
    expiry_month: int
    expiry_year: int
    cvv: str

    def as_data(self) -> dict[str, Any]:
        return {
            "cardNumber": self.number,
            "cardHolderName": self.holder,
            "expiryMonth": self.expiry_month,
            "expiryYear": self.expiry_year,
            "cvv": self.cvv,
        }


@dataclass(frozen=True)
class RedirectUrls:
    success: str | None = None
    fail: str | None = None
    three_ds_challenge_result: str | None = None

    def as_json(self) -> dict[str, str]:
        urls = {
            "success": self.success,
            "fail": self.fail,
            "threeDSChallengeResult": self.three_ds_challenge_result,
        }
        return {k: v for k, v in urls.items() if v is not None}


class MacropayApi:
    """What each Revup call sends and how its answer reads: the one implementation behind
    MacropayClient and AsyncMacropayClient."""

    transport_error = MacropayTransportError

    def __init__(self, api_key: str) -> None:
        self._headers = {"x-api-key": api_key}

    # --- orders and payments --------------------------------------------------------------

    def create_order(
        self,
        amount: Amount,
        currency: str,
        *,
        description: str | None = None,
        concept: str | None = None,
        notification_url: str | None = None,
        redirect_url: RedirectUrls | None = None,
        user_information: Mapping[str, Any] | None = None,
        billing_address: Mapping[str, Any] | None = None,
        generate_token: bool | None = None,
        sequence: RecurrenceStep | None = None,
        min_period: int | None = None,
        parent_transaction_id: str | None = None,
    ) -> Flow[Any]:
        """POST /orders: the order (its ``orderId``), valid for one hour."""
        body: dict[str, Any] = {"money": money(amount, currency)}
        optional = {
            "description": description,
            "concept": concept,
            "notificationUrl": notification_url,
            "redirectUrl": redirect_url.as_json() if redirect_url else None,
            "userInformation": dict(user_information) if user_information else None,
            "billingAddress": dict(billing_address) if billing_address else None,
            "generateToken": generate_token,
            "sequence": sequence,
            "minPeriod": min_period,
            "parentTransactionId": parent_transaction_id,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return self._post("/orders", body)

    def create_subscription(
        self,
        /,
        plan_id: str,
        currency: str,
        event_url: str,
        *,
        initial_amount: Amount | None = None,
        redirect_url: RedirectUrls | None = None,
        token: tuple[str, str, str] | None = None,
        **fields: Any,
    ) -> Flow[Any]:
        """POST /subscriptions: a subscription to a back-office plan. Its answer is the initial
        order (with ``subscriptionId``); with ``token`` = (tokenId, parentTransactionId,
        parentOrderId) the initial payment is charged at once with that token."""
        body: dict[str, Any] = {"planId": plan_id, "currency": currency,
                                "eventSubscriptionUrl": event_url, **fields}  # fmt: skip
        if initial_amount is not None:
            body["overwrite"] = {"initialAmount": money(initial_amount, currency)["amount"]}
        if redirect_url is not None:
            body["redirectUrl"] = redirect_url.as_json()
        if token is not None:
            body.update(tokenId=token[0], parentTransactionId=token[1], parentOrderId=token[2])
        return self._post("/subscriptions", body)

    def pay_with_card(self, order_id: str, card: Card, *, as_base64: bool = False) -> Flow[Any]:
        """POST /orders/{orderId}/pay with the card (sandbox form; base64 in place of the blob)."""
        data: Any = card.as_data()
        if as_base64:
            data = base64.b64encode(json.dumps(data).encode()).decode()
        return self.pay(order_id, {"paymentMethod": "credit_card", "data": data})

    def pay_with_token(self, order_id: str, token_id: str) -> Flow[Any]:
        """POST /orders/{orderId}/pay with a token (recurrences, customer-initiated payments)."""
        return self.pay(order_id, {"paymentMethod": "credit_card_token", "data": token_id})

    def pay(self, order_id: str, body: Mapping[str, Any]) -> Flow[Any]:
        return self._post(f"/orders/{order_id}/pay", body)

    def refund(
        self, transaction_id: str, amount: Amount, currency: str, reason: str | None = None
    ) -> Flow[Any]:
        """POST /transactions/{transactionId}/refund: all or part of a successful payment."""
        body: dict[str, Any] = {"money": money(amount, currency)}
        if reason is not None:
            body["reason"] = reason
        return self._post(f"/transactions/{transaction_id}/refund", body)

    def transaction(self, transaction_id: str) -> Flow[Any]:
        """GET /transactions/{transactionId} (psp-sandbox's path: Revup's is not public)."""
        return _result((yield self._request("GET", f"/transactions/{transaction_id}")))

    # --- plumbing -------------------------------------------------------------------------

    def send(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str] | None = None
    ) -> Flow[Any]:
        """Any request as given (raw bytes, sent as JSON unless ``headers`` say otherwise):
        the answer's JSON, or MacropayApiError."""
        sent = {"Content-Type": "application/json"} if body is not None else {}
        return _result((yield self._request(method, path, body, {**sent, **(headers or {})})))

    def _post(self, path: str, body: Mapping[str, Any]) -> Flow[Any]:
        return _result((yield Request.with_json("POST", path, body, self._headers)))

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Request:
        return Request(method, path, body, {**self._headers, **(headers or {})})


class MacropayClient(SyncClient[MacropayApi]):
    """Blocking. ``base_url`` ends with the API version: ``https://test.api.macropay.com/v2``."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.Client | None = None,
    ) -> None:
        api = MacropayApi(api_key)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)

    create_order = blocking(MacropayApi.create_order)
    create_subscription = blocking(MacropayApi.create_subscription)
    pay_with_card = blocking(MacropayApi.pay_with_card)
    pay_with_token = blocking(MacropayApi.pay_with_token)
    pay = blocking(MacropayApi.pay)
    refund = blocking(MacropayApi.refund)
    transaction = blocking(MacropayApi.transaction)
    send = blocking(MacropayApi.send)


class AsyncMacropayClient(AsyncClient[MacropayApi]):
    """Awaiting. ``base_url`` ends with the API version: ``https://test.api.macropay.com/v2``."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        api = MacropayApi(api_key)
        super().__init__(api, base_url, headers=headers, timeout=timeout, http=http)

    create_order = awaiting(MacropayApi.create_order)
    create_subscription = awaiting(MacropayApi.create_subscription)
    pay_with_card = awaiting(MacropayApi.pay_with_card)
    pay_with_token = awaiting(MacropayApi.pay_with_token)
    pay = awaiting(MacropayApi.pay)
    refund = awaiting(MacropayApi.refund)
    transaction = awaiting(MacropayApi.transaction)
    send = awaiting(MacropayApi.send)


# --- what Revup sends the merchant ----------------------------------------------------------


def parse_notification(body: bytes) -> dict[str, Any]:
    """A notification POSTed to notificationUrl, checked against the documented fields."""
    message = _json_object(body)
    for key in ("orderId", "transactionId", "transactionType", "transactionStatus"):
        if not isinstance(message.get(key), str):
            raise InvalidMessage(f"notification without {key}")
    if message["transactionType"] not in ("payment", "refund", "chargeback", "rdr"):
        raise InvalidMessage(f"unknown transactionType {message['transactionType']!r}")
    if message["transactionStatus"] not in STATUSES:
        raise InvalidMessage(f"unknown transactionStatus {message['transactionStatus']!r}")
    if not _is_timestamp(message.get("notificationDate")):
        raise InvalidMessage("notificationDate is not YYYY-MM-DDTHH:mm:ss(.sss)Z")
    _check_money(message.get("money"))
    if message["transactionStatus"] == WAITING_USER_INTERACTION:
        _check_action(message.get("action"))
    if "error" in message:
        _check_error(message["error"])
    if "chargebackInfo" in message:
        _check_chargeback_info(message["chargebackInfo"])
    return message


def parse_callback(body: bytes) -> list[dict[str, Any]]:
    """The callback to redirectUrl: a JSON array of one or two transactions, oldest first."""
    try:
        items = json.loads(body)
    except ValueError as error:
        raise InvalidMessage(f"callback is not JSON: {error}") from error
    if not isinstance(items, list) or not 1 <= len(items) <= 2:
        raise InvalidMessage("a callback is an array of one or two transactions")
    for item in items:
        if not isinstance(item, dict):
            raise InvalidMessage("a callback element is an object")
        for key in ("orderId", "transactionId", "transactionStatus", "createdAt"):
            if not isinstance(item.get(key), str):
                raise InvalidMessage(f"callback element without {key}")
    return [dict(item) for item in items]


def money(amount: Amount, currency: str) -> dict[str, Any]:
    value = Decimal(str(amount))
    number: int | float = int(value) if value == value.to_integral_value() else float(value)
    return {"amount": number, "currency": currency}


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except ValueError as error:
        raise InvalidMessage(f"not JSON: {error}") from error
    if not isinstance(message, dict):
        raise InvalidMessage("not a JSON object")
    return message


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not value.endswith("Z") or len(value) < 20:
        return False
    date, _, time = value[:-1].partition("T")
    return len(date) == 10 and date[4] == "-" and date[7] == "-" and time[2:3] == ":"


def _check_money(value: Any) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("currency"), str):
        raise InvalidMessage("money needs amount and currency")
    if not isinstance(value.get("amount"), int | float) or isinstance(value["amount"], bool):
        raise InvalidMessage("money.amount is a number")


def _check_action(value: Any) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("url"), str):
        raise InvalidMessage("waiting_user_interaction carries an action with a url")
    if not isinstance(value.get("method"), str) or len(value["method"]) > 7:
        raise InvalidMessage("action.method is a string of at most 7 characters")
    for key in ("headers", "parameters"):
        pairs: Sequence[Any] = value.get(key, [])
        if not isinstance(pairs, list) or not all(
            isinstance(p, dict) and {"key", "value"} <= p.keys() for p in pairs
        ):
            raise InvalidMessage(f"action.{key} is a list of key/value pairs")


def _check_error(value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str) for k in ("code", "message")
    ):
        raise InvalidMessage("error needs code and message")


#: ``chargebackInfo`` fields and their documented maximum lengths.
_CHARGEBACK_INFO = {"reasonCode": 20, "category": 100, "description": 400}


def _check_chargeback_info(value: Any) -> None:
    if not isinstance(value, dict):
        raise InvalidMessage("chargebackInfo is an object")
    for key, longest in _CHARGEBACK_INFO.items():
        field = value.get(key)
        if field is not None and (not isinstance(field, str) or len(field) > longest):
            raise InvalidMessage(f"chargebackInfo.{key} is a string of at most {longest}")


def _result(answer: Answer) -> Any:
    try:
        body = answer.json()
    except NotJson as error:
        if answer.status == 200:
            raise MacropayTransportError(str(error)) from error
        body = {"message": answer.text}
    if answer.status == 200:
        return body
    error_class = {403: MacropayAuthError, 500: MacropayServerError}.get(
        answer.status, MacropayApiError
    )
    raise error_class(answer.status, body)
