"""3-D Secure the Paymentz way: the ``redirect`` object of a ``3D`` answer, and the browser's way
back to the merchant.

A challenged debit or preauth answers ``transactionStatus`` ``3D`` with
``redirect{url, method: "POST", parameters: [PaReq, TermUrl, MD]}`` (paymentz.md §3.5). The url
is the sandbox's hosted ACS page; after the cardholder's choice the ACS posts ``PaRes`` and
``MD`` to ``TermUrl`` — the sandbox's ``/transaction/ThreeDSecureReturn`` — which sends the
browser on to ``merchantRedirectUrl``: a form POST of the result (short status in ``status``,
the redirect-back checksum), with ``resourcePath`` and ``status`` appended to the URL as well.
A Standard Checkout payment the card page finished without a challenge takes the same way back
(``MD`` only), so the result and its checksum are made in one place, with the member's key.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import orjson

from ...engine import Operation, Payment
from ...ui.links import acs_url, split_challenge_id
from ..base import Redirect
from . import cards, checksums, mapping, render

TERM_PATH = "/transaction/ThreeDSecureReturn"


def _b64(data: dict[str, Any]) -> str:
    return base64.b64encode(orjson.dumps(data)).decode()


def merchant_data(payment: Payment, op: Operation) -> str:
    """``MD``: which payment and operation the authentication belongs to."""
    return f"{payment.id}.{op.id}"


def operation_of(md: str) -> tuple[str, str]:
    return split_challenge_id(md)


def term_url(payment: Payment) -> str:
    return f"{payment.details['origin']}/paymentz{TERM_PATH}"


def redirect(payment: Payment, op: Operation) -> dict[str, Any]:
    """The answer's ``redirect`` object, for the merchant to POST its parameters to the ACS."""
    pareq = {
        "paymentId": render.payment_id(payment),
        "merchantTransactionId": payment.reference,
        "amount": render.amount_of(payment),
        "currency": payment.currency,
    }
    parameters = {
        "PaReq": _b64(pareq),
        "TermUrl": term_url(payment),
        "MD": merchant_data(payment, op),
    }
    return {
        "url": acs_url(payment.details["origin"], payment.id, op.id),
        "method": "POST",
        "parameters": [{"name": k, "value": v} for k, v in parameters.items()],
    }


def to_term_url(payment: Payment, op: Operation, challenged: bool) -> Redirect:
    """The browser's way to TermUrl: ``MD``, and after a challenge the ACS's ``PaRes``."""
    fields = {"MD": merchant_data(payment, op)}
    if challenged:
        pares = {"paymentId": render.payment_id(payment), "status": mapping.short_status(payment)}
        fields = {"PaRes": _b64(pares), **fields}
    return Redirect(term_url(payment), "POST", fields)


def back_to_merchant(payment: Payment, key: str) -> Redirect | None:
    """The browser's return to ``merchantRedirectUrl`` with the result (None: no URL given)."""
    url = payment.details.get("merchantRedirectUrl")
    if not url:
        return None
    primary = payment.primary
    status = mapping.short_status(payment)
    path = render.RESOURCE_PATH.format(payment_id=render.payment_id(payment))
    result = mapping.result_of(payment, primary) if primary else mapping.PROCESSING
    card = cards.of_payment(payment) or {}
    amount = render.amount_of(payment)
    fields = {
        "paymentId": render.payment_id(payment),
        "trackingid": render.payment_id(payment),
        "merchantTransactionId": payment.reference,
        "amount": amount,
        "currency": payment.currency,
        "status": status,
        "resultCode": result.code,
        "resultDescription": result.description,
        "cardBin": card.get("bin", ""),
        "cardLast4Digits": card.get("last4Digits", ""),
        "resourcePath": path,
        "checksum": checksums.callback(
            render.payment_id(payment), payment.reference, amount, status, key
        ),
    }
    joiner = "&" if "?" in url else "?"
    target = f"{url}{joiner}{urlencode({'resourcePath': path, 'status': status})}"
    return Redirect(target, "POST", fields)
