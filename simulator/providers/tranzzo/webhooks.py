"""Tranzzo webhooks: a form POST of ``data`` (base64url JSON) and its ``signature``.

``signature = base64url(sha1_raw(API_SECRET + data + API_SECRET))`` with ``=`` padding kept
(tranzzo.md §2.9). Retry schedule: not documented; the sandbox's default schedule applies.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qsl, unquote_plus

import orjson

from ...engine import Decision, Operation, OperationStatus, OperationUpdated, Payment
from ...services.payments import Notification
from ...store import Delivery
from ...webhooks import EncodedWebhook, WebhookProfile
from . import render
from .mapping import METHOD, STATUS

_FINAL = (OperationStatus.SUCCEEDED, OperationStatus.DECLINED, OperationStatus.FAILED)


def encode_data(payload: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode()


def sign(data: str, secret: str) -> str:
    digest = hashlib.sha1((secret + data + secret).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encode(delivery: Delivery, secret: str | None) -> EncodedWebhook:
    data = encode_data(delivery.payload)
    signature = sign(data, secret) if secret is not None else ""
    body = f"data={_form_value(data)}&signature={_form_value(signature)}".encode()
    return EncodedWebhook(body, "application/x-www-form-urlencoded")


def _form_value(base64url: str) -> str:
    """A base64url text as ``urlencode`` writes it: of its alphabet only the ``=`` padding is
    escaped (``urlencode`` itself walks the text byte by byte: the dearest step of a send)."""
    return base64url.replace("=", "%3D")


def signature_of(webhook: EncodedWebhook) -> str | None:
    """The ``signature`` field of the form (Tranzzo signs in the body, not a header)."""
    _data, found, signature = webhook.body.rpartition(b"&signature=")
    if not found:
        return dict(parse_qsl(webhook.body.decode())).get("signature")
    return unquote_plus(signature.decode())


PROFILE = WebhookProfile(encode=encode, signature=signature_of)


def notifications(decision: Decision) -> Iterator[Notification]:
    """One webhook per operation that reached a final status, to its server_url."""
    payment = decision.payment
    for event in decision.events:
        if isinstance(event, OperationUpdated) and event.status in _FINAL:
            op = payment.operation(event.operation_id)
            if op is not None:
                yield from of_operation(payment, op)


def of_operation(payment: Payment, op: Operation) -> Iterable[Notification]:
    """The webhook of one operation (also used to resend it on request)."""
    url = op.details.get("server_url") or payment.details.get("server_url")
    if not url or op.kind not in METHOD:
        return ()
    event = f"{render.method_of(payment, op)}.{STATUS[op.status]}"
    payload = render.operation(payment, op)
    return (Notification(url, event, payload, op.id, payment.details.get("api_key")),)
