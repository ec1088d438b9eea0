"""POST /payments: sales, preauths, credits, disbursements and payer authentications — by card
or payment token, with or without 3-D Secure; another PreAuth on an existing preauth order
raises or lowers it (seed 003)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from ...engine import (
    APPROVED,
    AdjustAuthorization,
    Intent,
    Open,
    OperationStatus,
    Outcome,
    Payment,
    Result,
    RuleViolation,
    Start,
)
from ...engine.money import NUMERIC_CODES, InvalidAmount, is_currency, to_minor
from ...engine.payment import PRIMARY_KIND_OF
from ...openapi import Answer
from ...services.requests import RequestKey, answered_before
from ...wire import DEFERRED
from ..base import Principal, ProviderPlugin, origin_of
from . import cards, envelope, threeds
from .answers import TransactionResponse
from .endpoints import (
    KeyedAnswer,
    api,
    errors,
    keyed,
    locate,
    merchant_alias,
    now_of,
    parse,
    principal,
    refused,
    request_key,
    violation,
)
from .magic import PROFILES
from .mapping import (
    INVALID_AMOUNT,
    ORDER_EXISTS,
    REFERENCED_NOT_FOUND,
    UNKNOWN_CURRENCY,
    WRONG_CARD,
    Asked,
    request_transaction_type,
)
from .models import (
    Amount,
    PaymentCardPayerAuthTransaction,
    PaymentCardPreAuthTransaction,
    PaymentTokenPreAuthTransaction,
    PrimaryTransaction,
)

PRIMARY: TypeAdapter[Any] = TypeAdapter(PrimaryTransaction, config=DEFERRED)

_INTENT = {
    "PaymentCardSaleTransaction": Intent.SALE,
    "PaymentTokenSaleTransaction": Intent.SALE,
    "PaymentCardPreAuthTransaction": Intent.AUTH,
    "PaymentTokenPreAuthTransaction": Intent.AUTH,
    "PaymentCardCreditTransaction": Intent.CREDIT,
    # Money pushed to (or pulled from) a card for a sender: paid out like a credit.
    "PaymentCardDisbursementTransaction": Intent.CREDIT,
    "PaymentTokenDisbursementTransaction": Intent.CREDIT,
    # Authentication only: nothing is authorized or held.
    "PaymentCardPayerAuthTransaction": Intent.VERIFY,
}
#: Requests paid out to the card: never sent through 3-D Secure.
_PAYOUTS = frozenset(
    {
        "PaymentCardCreditTransaction",
        "PaymentCardDisbursementTransaction",
        "PaymentTokenDisbursementTransaction",
    }
)


def _type(tx: Any) -> str | None:
    return request_transaction_type(tx.requestType, PRIMARY_KIND_OF[_INTENT[tx.requestType]])


@api.post(
    "/payments",
    name="submitPrimaryTransaction",
    body=PrimaryTransaction,
    answers={
        200: Answer("The transaction (APPROVED, or WAITING for 3-D Secure)", TransactionResponse),
        **errors(400, 401, 403, 409, 415, 422, 500, 502),
    },
)
@keyed
async def submit_primary(request: web.Request) -> web.StreamResponse:
    """Generate a primary transaction: a sale, a preauth (or a change of one), a credit."""
    plugin, who = principal(request)
    tx = await parse(request, PRIMARY)
    key = request_key(request, who, await request.read())
    now = now_of(plugin, who)
    intent = _INTENT[tx.requestType]
    currency, minor = money(tx.transactionAmount, now, _type(tx))
    _check_authentication(tx)
    # A retry is answered before its card is looked at (a single-use token is used up by then).
    await answered_before(plugin.context.store, key, now)
    order_id = (tx.order.orderId if tx.order else None) or generated_order_id(plugin, who, key)
    card = await _card(plugin, who, tx, now, order_id)
    referenced = await _payer_authentication(plugin, who, tx, card, now, order_id)
    scope = who.scope()
    payments = plugin.context.payments
    if intent is Intent.AUTH:
        existing = await payments.find(scope, order_id)
        if existing is not None and existing.intent is Intent.AUTH:
            return await _change_preauth(
                plugin, who, tx, existing, card, (currency, minor), key, now
            )
    payment_id = plugin.context.ids.uuid("fiserv", who.tenant, order_id)
    op_id = transaction_id(plugin, payment_id, 1)
    opened = Open(
        payment_id,
        who.tenant,
        "fiserv",
        order_id,
        currency,
        minor,
        intent,
        order_details(plugin, request, who, tx, card, order_id),
    )
    outcome, op_details = _authentication(plugin, tx, card, op_id, referenced)
    start = Start(op_id, outcome, {**operation_details(plugin, tx, op_id), **op_details})
    keyed = KeyedAnswer(key, now)
    aliases = [merchant_alias(tx.merchantTransactionId)] if tx.merchantTransactionId else []
    try:
        decision = await payments.create(
            scope, order_id, [opened, start], aliases=aliases, request=keyed.request
        )
    except RuleViolation as broken:
        raise violation(
            broken, Asked.PRIMARY, now, order_id=order_id, transaction_type=_type(tx)
        ) from None
    assert decision.operation is not None
    await after_primary(plugin, who, decision.payment)
    return keyed.response(decision)


# --- parts ------------------------------------------------------------------------------------


def money(
    amount: Amount, now: datetime, transaction_type: str | None = None, *, zero: bool = False
) -> tuple[str, int]:
    """ISO currency and minor units; unknown currencies are 50653, too many decimals 10503 —
    and so is a zero total where money moves (a void's amount, ``zero``, only names it)."""
    currency = NUMERIC_CODES.get(amount.currency, amount.currency)
    if not is_currency(currency):
        raise refused(UNKNOWN_CURRENCY, now, transaction_type=transaction_type)
    try:
        minor = to_minor(amount.total, currency)
    except InvalidAmount:
        raise refused(INVALID_AMOUNT, now, transaction_type=transaction_type) from None
    if minor == 0 and not zero:
        raise refused(INVALID_AMOUNT, now, transaction_type=transaction_type)
    return currency, minor


def components(amount: Amount) -> dict[str, float] | None:
    if amount.components is None:
        return None
    parts = amount.components.model_dump(exclude_none=True)
    return {name: float(Decimal(value)) for name, value in parts.items()}


def transaction_id(plugin: ProviderPlugin, payment_id: str, position: int) -> str:
    """An ipgTransactionId: eleven digits, named by the order and the transaction's place."""
    return plugin.context.ids.digits(11, "fiserv-transaction", payment_id, position)


def operation_details(plugin: ProviderPlugin, tx: Any, op_id: str) -> dict[str, Any]:
    """What every Fiserv transaction keeps: merchant ids, amount parts, processor numbers."""
    details = processor_numbers(plugin, op_id)
    if tx.merchantTransactionId:
        details["merchant_transaction_id"] = tx.merchantTransactionId
    amount = getattr(tx, "transactionAmount", None)
    if amount is not None and amount.components is not None:
        details["components"] = components(amount)
    if getattr(tx, "transactionOrigin", None):
        details["origin"] = tx.transactionOrigin
    if getattr(tx, "comments", None):
        details["comments"] = tx.comments
    return details


def processor_numbers(plugin: ProviderPlugin, op_id: str) -> dict[str, Any]:
    """The approval code, reference number and scheme id a transaction is answered with."""
    ids = plugin.context.ids
    return {
        "auth_code": ids.digits(6, op_id, "authorization"),
        "rrn": ids.digits(12, op_id, "reference"),
        "scheme_id": ids.digits(15, op_id, "scheme"),
    }


def generated_order_id(plugin: ProviderPlugin, who: Principal, key: RequestKey) -> str:
    """``R-<uuid>`` as IPG generates them; named by the request (its Client-Request-Id and
    content), so a retry finds its order and its first answer."""
    return "R-" + plugin.context.ids.uuid("fiserv-order", who.tenant, key.key, key.fingerprint)


async def _card(
    plugin: ProviderPlugin, who: Principal, tx: Any, now: datetime, order_id: str
) -> cards.Card:
    method = tx.paymentMethod
    if hasattr(method, "paymentCard"):
        return cards.read(method.paymentCard, now.date())
    stored = await plugin.context.tokens.get(who.scope(), method.paymentToken.value)
    if stored is None or not stored.active:
        raise refused(WRONG_CARD, now, order_id=order_id, transaction_type=_type(tx))
    return cards.of_token(stored)


def _check_authentication(tx: Any) -> None:
    """``authenticationRequest`` and ``authenticationResult`` never together; a payer
    authentication needs one of them; a referenced PAYER_AUTH replaces both."""
    asked = getattr(tx, "authenticationRequest", None)
    given = getattr(tx, "authenticationResult", None)
    if asked is not None and given is not None:
        raise envelope.bad_request(
            envelope.field("authenticationRequest", "must not be sent with authenticationResult")
        )
    if isinstance(tx, PaymentCardPayerAuthTransaction) and asked is None and given is None:
        raise envelope.bad_request(
            envelope.field(f"{tx.requestType}.authenticationRequest", "may not be null")
        )
    if tx.ipgTransactionId is not None and (asked is not None or given is not None):
        raise envelope.bad_request(
            envelope.field("ipgTransactionId", "must not be sent with an authentication")
        )


async def _payer_authentication(
    plugin: ProviderPlugin, who: Principal, tx: Any, card: cards.Card, now: datetime, order_id: str
) -> dict[str, Any] | None:
    """The 3-D Secure result of the PAYER_AUTH transaction ``ipgTransactionId`` names: it must
    be this tenant's, authenticated, and of the same card (409 50715 otherwise)."""
    if tx.ipgTransactionId is None:
        return None
    found = await locate(plugin, who, str(tx.ipgTransactionId))
    if found is not None:
        payment, op = found
        authenticated = (
            payment.details.get("request_type") == "PaymentCardPayerAuthTransaction"
            and op.status is OperationStatus.SUCCEEDED
            and cards.same_card(payment.details.get("card"), card)
        )
        state = op.details.get("threeds")
        if authenticated and isinstance(state, dict):
            return {"status": state.get("status"), "version": state.get("version", "2.1"),
                    "payer_auth": op.id}  # fmt: skip
    raise refused(REFERENCED_NOT_FOUND, now, order_id=order_id, transaction_type=_type(tx))


def order_details(
    plugin: ProviderPlugin,
    request: web.Request,
    who: Principal,
    tx: Any,
    card: cards.Card,
    order_id: str,
) -> dict[str, Any]:
    ids = plugin.context.ids
    key = who.credential.key
    details: dict[str, Any] = {
        "origin": origin_of(request),
        "origin_type": tx.transactionOrigin or "ECOM",
        "request_type": tx.requestType,
        "card": cards.stored_facts(card),
        "cvv_given": card.cvv_given,
        "store_id": tx.storeId or who.credential.extra.get("store_id"),
        "terminal_id": ids.digits(8, "fiserv-terminal", key),
        "merchant_id": ids.digits(15, "fiserv-merchant", key),
    }
    order = getattr(tx, "order", None)
    if order is not None:
        details.update(billing=order.billing, shipping=order.shipping)
    split = getattr(tx, "splitShipment", None)
    if split is not None and split.totalCount:
        details["split_total"] = split.totalCount
    if card.token is not None:
        details["paid_with_token"] = card.token.token
    create = getattr(tx, "createToken", None)
    if create is not None:
        value = create.value or ids.uuid("fiserv-token", who.tenant, order_id).upper()
        details["token"] = {
            "value": value,
            "reusable": create.reusable,
            "declineDuplicates": create.declineDuplicates,
            "last4": card.facts.last4,
            "brand": card.facts.brand,
            "type": "PAYMENT_CARD",
        }
    return details


def _authentication(
    plugin: ProviderPlugin,
    tx: Any,
    card: cards.Card,
    op_id: str,
    referenced: dict[str, Any] | None,
) -> tuple[Outcome, dict[str, Any]]:
    """The primary operation's outcome: the card's, through 3-D Secure when asked for (a payer
    authentication ends approved once the cardholder is authenticated)."""
    outcome = card.facts.outcome
    details: dict[str, Any] = {"card_mask": card.facts.masked}
    if outcome.result is Result.FAILED or tx.requestType in _PAYOUTS:
        return (APPROVED if outcome.result is Result.CHALLENGE else outcome), details
    if isinstance(tx, PaymentCardPayerAuthTransaction):
        after = APPROVED
    else:
        after = threeds.issuer_answer(outcome)
    if referenced is not None:
        return after, {**details, "threeds": referenced}
    result = getattr(tx, "authenticationResult", None)
    if result is not None:
        status = result.authenticationResponse or result.transactionStatus
        outcome, extra = threeds.external(status, after)
        return outcome, {**details, **extra}
    asked = getattr(tx, "authenticationRequest", None)
    if asked is None:
        return after, details
    ids = plugin.context.ids
    profile = PROFILES[card.with_indicator(asked.challengeIndicator)]
    outcome, extra = threeds.start(
        profile,
        after,
        term_url=asked.termURL,
        method_url=asked.methodNotificationURL,
        window=asked.challengeWindowSize,
        server_trans_id=ids.uuid(op_id, "3ds-server"),
        acs_trans_id=ids.uuid(op_id, "3ds-acs"),
    )
    return outcome, {**details, **extra}


async def after_primary(plugin: ProviderPlugin, who: Principal, payment: Payment) -> None:
    """Side effects of an approved primary transaction: the token it asked for is issued, a
    single-use token it paid with is used up."""
    primary = payment.primary
    if primary is None or primary.status is not OperationStatus.SUCCEEDED:
        return
    tokens = plugin.context.tokens
    scope = who.scope()
    wanted = payment.details.get("token")
    kept = payment.details.get("card")
    if wanted and kept:
        await cards.issue(
            tokens,
            scope,
            wanted["value"],
            cards.facts_of_order(kept),
            kept.get("profile", ""),
            reusable=wanted["reusable"],
            decline_duplicates=wanted["declineDuplicates"],
        )
    used = payment.details.get("paid_with_token")
    if used:
        stored = await tokens.get(scope, used)
        if stored is not None and stored.extra.get("reusable") is False:
            await tokens.update(scope, stored, active=False)


async def _change_preauth(
    plugin: ProviderPlugin,
    who: Principal,
    tx: PaymentCardPreAuthTransaction | PaymentTokenPreAuthTransaction,
    existing: Payment,
    card: cards.Card,
    money: tuple[str, int],
    key: RequestKey,
    now: datetime,
) -> web.StreamResponse:
    """Another PreAuth for the same cardholder and orderId raises (or, with decrementalFlag,
    lowers) the authorization (seed 003)."""
    if not cards.same_card(existing.details.get("card"), card):
        raise refused(ORDER_EXISTS, now, order_id=existing.reference, transaction_type="PREAUTH")
    currency, minor = money
    delta = -minor if tx.decrementalFlag else minor

    def build(payment: Payment) -> list[AdjustAuthorization]:
        op_id = transaction_id(plugin, payment.id, len(payment.operations) + 1)
        details = {**operation_details(plugin, tx, op_id), "card_mask": card.facts.masked}
        return [AdjustAuthorization(op_id, delta, currency, details=details)]

    keyed = KeyedAnswer(key, now)
    aliases = [merchant_alias(tx.merchantTransactionId)] if tx.merchantTransactionId else []
    try:
        decision = await plugin.context.payments.update(
            who.scope(), existing.reference, build, aliases=aliases, request=keyed.request
        )
    except RuleViolation as broken:
        raise violation(
            broken, Asked.INCREMENT, now, payment=existing, transaction_type="PREAUTH"
        ) from None
    assert decision.operation is not None
    return keyed.response(decision)
