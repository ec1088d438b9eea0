"""payworks answers: the transaction object, the registered session, and the webhook event.

Every documented field is always present (payworks' examples show each object even on a fresh
``INITIALIZED`` transaction); what the docs elide (``{…}``) is filled with believable values:
the merchant's name, address and location from faker, processing references from the
sandbox's processor data — all seeded, so a seeded run repeats them. ``cardDetails`` appears
once a card was read. Card numbers appear only masked (BIN and last four).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...engine import Operation, OperationKind, OperationStatus, Payment, PaymentStatus
from ...outcomes.terminal import Verification, masked, terminal_state
from . import mapping
from .mapping import amount, timestamp

if TYPE_CHECKING:
    from ...context import SandboxContext

OS = OperationStatus

#: The test acquirer of payworks' test platform (documented).
INSTITUTE = "PAYWORKS_DEMO_CONNECTOR"
READER_FAMILY = "MIURA_MPI"
READER_MODEL = "Miura M010"

_SOURCE: Mapping[str, str] = {"contact": "ICC", "contactless": "NFC_USING_EMV"}
_VERIFICATION: Mapping[str, str] = {
    Verification.NONE: "NONE",
    Verification.SIGNATURE: "SIGNATURE",
    Verification.OFFLINE_PIN: "PIN",
    Verification.OFFLINE_PIN_AND_SIGNATURE: "PIN_AND_SIGNATURE",
    Verification.ONLINE_PIN: "PIN",
}
_SCHEME: Mapping[str, str] = {"AMEX": "AMERICAN_EXPRESS"}


#: The faker providers a merchant is drawn from: loading only these makes the first draw
#: ~10x cheaper, with the same draws.
_FAKER_PROVIDERS = [
    "faker.providers.address",
    "faker.providers.company",
    "faker.providers.geo",
    "faker.providers.person",
]


@dataclass(frozen=True, slots=True)
class Merchant:
    name: str
    address: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1024)
def merchant(seed: int) -> Merchant:
    """A merchant's generated name, address and shop location (one faker draw per merchant)."""
    from faker import Faker  # imported on first use: it costs the start-up ~0.1 s

    fake = Faker("de_DE", providers=_FAKER_PROVIDERS)
    fake.seed_instance(seed)
    place = fake.local_latlng(country_code="DE") or ("52.52437", "13.41053")
    latitude, longitude = place[0], place[1]
    address = f"{fake.street_address()}, {fake.postcode()} {fake.city()}"
    return Merchant(str(fake.company()), address, float(latitude), float(longitude))


def session(ctx: SandboxContext, payment: Payment, op: Operation) -> dict[str, Any]:
    """The answer to a registration: ``validUntil``, the session identifier, the transaction."""
    assert op.due_at is not None, "a registered transaction lapses"
    return {
        "validUntil": timestamp(op.due_at),
        "identifier": op.details["session"],
        "transaction": transaction(ctx, payment, op),
    }


def event(
    ctx: SandboxContext, payment: Payment, op: Operation, kind: str, at: datetime
) -> dict[str, Any]:
    """A webhook: ``{"identifier", "created" (UTC), "type", "transaction"}``."""
    return {
        "identifier": ctx.ids.uuid("payworks-event", op.id, op.status.value),
        "created": timestamp(at),
        "type": kind,
        "transaction": transaction(ctx, payment, op),
    }


def transaction(ctx: SandboxContext, payment: Payment, op: Operation) -> dict[str, Any]:
    d = op.details
    read = terminal_state(op)
    card = read.get("card") or _charge_card(payment, op)
    processed = bool(read.get("card")) or (
        bool(d.get("without_card")) and op.status is not OS.REGISTERED
    )
    approved = op.status is OS.SUCCEEDED
    refs = ctx.processor.details("payworks", op.id)
    shop = merchant(ctx.ids.number("payworks-merchant", payment.details["merchant"]))
    detail = mapping.status_detail(op)
    body: dict[str, Any] = {
        "identifier": op.id,
        "customIdentifier": d.get("customIdentifier"),
        "groupIdentifier": payment.details["group"],
        "referencedTransactionIdentifier": None if op.kind.is_primary else op.target_id,
        "amount": amount(op.amount, payment.currency),
        "currency": payment.currency,
        "type": mapping.TYPE[op.kind],
        "status": mapping.status_of(op),
        "subject": d.get("description"),
        "mode": d.get("mode", mapping.MODE),
        "created": timestamp(op.created_at),
        "statusDetails": {
            "code": detail.code,
            "detailedDescription": detail.description,
            "developerDescription": f"psp-sandbox: {_kind(op)} {op.status.value}"
            + (f" ({op.reason})" if op.reason else ""),
        },
        "processingDetails": {
            "identifier": refs.rrn if processed else None,
            "sessionIdentifier": d.get("session"),
            "timestamp": timestamp(op.updated_at) if processed else None,
            "additionalInformation": [],
        },
        "paymentDetails": {
            "source": _SOURCE.get(str(read.get("entry"))),
            "scheme": _scheme(card),
            "customerVerification": _VERIFICATION.get(str(read.get("verification")))
            if read
            else ("NONE" if processed else None),
            "maskedAccount": masked(card) if card else None,
        },
        "receiptDetails": {
            "merchantName": shop.name,
            "merchantAddress": shop.address,
            "merchantIdentifier": payment.details["merchant"],
            "terminalIdentifier": refs.terminal_id if processed else None,
            "authorizationCode": refs.approval_code if approved else None,
            "transactionReference": refs.rrn if processed else None,
            "receiptNumber": refs.rrn[-6:] if processed else None,
        },
        "locationDetails": {
            "latitude": shop.latitude if read else None,
            "longitude": shop.longitude if read else None,
            "accuracy": float(5 + int(refs.terminal_id) % 20) if read else None,
        },
        "reader": {
            "family": READER_FAMILY if read else None,
            "model": READER_MODEL if read else None,
            "serialNumber": f"{ctx.ids.digits(9, 'payworks-reader', payment.details['merchant'])}"
            if read
            else None,
        },
        "refundDetails": _refund_details(payment, op),
        "clearingDetails": {
            "institute": INSTITUTE,
            "transactionIdentifier": refs.merchant_id if approved else None,
            "authorizationCode": refs.approval_code if approved else None,
        },
    }
    if card:
        body["cardDetails"] = _card_details(ctx, card)
    return body


def _kind(op: Operation) -> str:
    return "charge" if op.kind.is_primary else "refund"


def _charge_card(payment: Payment, op: Operation) -> Mapping[str, Any]:
    """A refund made without the card goes to the charge's card."""
    if op.kind.is_primary or not op.details.get("without_card"):
        return {}
    charge = payment.operation(op.target_id or "")
    found = terminal_state(charge).get("card") if charge else None
    return found or {}


def _scheme(card: Mapping[str, Any]) -> str | None:
    if not card:
        return None
    brand = str(card["brand"])
    return _SCHEME.get(brand, brand)


def _card_details(ctx: SandboxContext, card: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "fingerprint": ctx.ids.uuid(
            "payworks-card", card["bin"], card["last4"], card["expiry_month"], card["expiry_year"]
        ),
        "scheme": _scheme(card),
        "maskedCardNumber": masked(card),
        "expiryMonth": card["expiry_month"],
        "expiryYear": card["expiry_year"],
        "cardholderName": card.get("holder"),
    }


def _refund_details(payment: Payment, op: Operation) -> dict[str, Any]:
    """A charge's refundability and its refund transactions; a refund is not refundable."""
    if not op.kind.is_primary:
        return {"status": "NON_REFUNDABLE", "process": [], "refundTransactions": []}
    refunds = [r for r in payment.of_kind(OperationKind.REFUND) if r.target_id == op.id]
    if op.status is not OS.SUCCEEDED:
        status = "NON_REFUNDABLE"
    elif payment.refunded >= payment.captured:
        status = "REFUNDED"
    elif payment.refunded + payment.disputed >= payment.captured:
        status = "NON_REFUNDABLE"  # what is not refunded is under dispute or lost to one
    else:
        status = "REFUNDABLE_PARTIAL_AND_FULL"
    return {
        "status": status,
        "process": ["SAME_CARD", "WITHOUT_CARD"] if status.startswith("REFUNDABLE") else [],
        "refundTransactions": [
            {
                "identifier": r.id,
                "amount": amount(r.amount, payment.currency),
                "currency": payment.currency,
                "status": mapping.status_of(r),
                "code": "REFUND_AFTER_CLEARING"
                if _cleared_before(payment, r.created_at)
                else "REFUND_BEFORE_CLEARING",
                "created": timestamp(r.created_at),
            }
            for r in refunds
        ],
    }


def _cleared_before(payment: Payment, moment: datetime) -> bool:
    return any(c.new is PaymentStatus.SETTLED and c.at <= moment for c in payment.history)
