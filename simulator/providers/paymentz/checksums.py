"""Paymentz checksums: lowercase MD5 hex of pipe-joined fields, one recipe per operation.

The fields are taken exactly as they travel (paymentz.md §3.3): the amount is its 2-decimal
string, so ``50`` and ``50.00`` hash differently. Recipes:

========================  ============================================================
payments DB / PA          memberId|secureKey|merchantTransactionId|amount
CP / RF                   memberId|secureKey|paymentId|amount
RV, IN by paymentId, GET  memberId|secureKey|paymentId
IN by merchant id (MID)   memberId|secureKey|merchantTransactionId
getTransactionList        memberId|secureKey
payout PO                 memberId|merchantTransactionId|amount|secureKey
Standard Checkout         memberId|totype|amount|merchantTransactionId|merchantRedirectUrl|secureKey
callback / redirect back  paymentId|merchantTransactionId|amount|transactionStatus|secureKey
========================  ============================================================
"""

from __future__ import annotations

import hashlib
import hmac


def md5(*fields: str) -> str:
    """``md5("a|b|c")`` as lowercase hex."""
    return hashlib.md5("|".join(fields).encode()).hexdigest()


def matches(given: str, expected: str) -> bool:
    """Whether the sent checksum is the expected one (lowercase hex, compared in constant time)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def payment(member_id: str, key: str, merchant_transaction_id: str, amount: str) -> str:
    return md5(member_id, key, merchant_transaction_id, amount)


def with_amount(member_id: str, key: str, payment_id: str, amount: str) -> str:
    """Capture and refund."""
    return md5(member_id, key, payment_id, amount)


def by_payment_id(member_id: str, key: str, payment_id: str) -> str:
    """Reversal, inquiry by paymentId, and the status GET."""
    return md5(member_id, key, payment_id)


def by_merchant_id(member_id: str, key: str, merchant_transaction_id: str) -> str:
    return md5(member_id, key, merchant_transaction_id)


def transaction_list(member_id: str, key: str) -> str:
    return md5(member_id, key)


def payout(member_id: str, merchant_transaction_id: str, amount: str, key: str) -> str:
    return md5(member_id, merchant_transaction_id, amount, key)


def checkout(
    member_id: str,
    totype: str,
    amount: str,
    merchant_transaction_id: str,
    redirect_url: str,
    key: str,
) -> str:
    return md5(member_id, totype, amount, merchant_transaction_id, redirect_url, key)


def callback(
    payment_id: str, merchant_transaction_id: str, amount: str, status: str, key: str
) -> str:
    """What a callback and the browser's return carry (``77251|011E1D8A5C034|156.00|N|key``)."""
    return md5(payment_id, merchant_transaction_id, amount, status, key)
