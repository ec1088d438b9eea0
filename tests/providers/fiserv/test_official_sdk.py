"""Fiserv's own Python SDK (PyPI ``first-data-gateway``, module ``openapi_client``) against the
sandbox: every answer must deserialize into the SDK's models.

The SDK leaves the Message-Signature to its caller; it is computed here, as Fiserv's docs say,
over the body exactly as the SDK serializes it (``json.dumps`` of its sanitized model).
"""

from __future__ import annotations

import html
import json
import re
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from openapi_client import ApiClient, Configuration, models
from openapi_client.api.authentication_api import AuthenticationApi
from openapi_client.api.information_lookup_api import InformationLookupApi
from openapi_client.api.order_api import OrderApi
from openapi_client.api.payment_api import PaymentApi
from openapi_client.api.payment_schedules_api import PaymentSchedulesApi
from openapi_client.api.payment_token_api import PaymentTokenApi
from openapi_client.api.payment_url_api import PaymentURLApi
from openapi_client.api.verification_api import VerificationApi
from openapi_client.rest import ApiException, RESTClientObject

from psp_sandbox.client.fiserv import signature
from psp_sandbox.client.sandbox import SandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox

from .conformance import Recorded
from .conftest import CREDENTIALS, record

TERM_URL = "https://shop.example/3ds/term"


class Sdk:
    """The SDK's API objects plus the headers it wants from its caller."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        #: Seconds the tenant's clock is ahead of real time (Timestamps follow it).
        self.offset = 0.0
        config = Configuration(host=sandbox.base_url("fiserv") + "/gateway/v2")
        self.client = ApiClient(config)
        for name, value in sandbox.headers.items():
            self.client.set_default_header(name, value)
        self.payments = PaymentApi(self.client)
        self.orders = OrderApi(self.client)
        self.authentication = AuthenticationApi(self.client)
        self.tokens = PaymentTokenApi(self.client)
        self.links = PaymentURLApi(self.client)
        self.verification = VerificationApi(self.client)
        self.lookup = InformationLookupApi(self.client)
        self.schedules = PaymentSchedulesApi(self.client)

    def signed(self, body: Any = None) -> dict[str, Any]:
        """The SDK's positional header arguments and the Message-Signature keyword."""
        data = (
            b""
            if body is None
            else json.dumps(self.client.sanitize_for_serialization(body)).encode()
        )
        cid, ts = str(uuid.uuid4()), int((time.time() + self.offset) * 1000)
        assert CREDENTIALS.api_secret is not None
        return {
            "content_type": "application/json",
            "client_request_id": cid,
            "api_key": CREDENTIALS.api_key,
            "timestamp": ts,
            "message_signature": signature(
                CREDENTIALS.api_key, CREDENTIALS.api_secret, cid, str(ts), data
            ),
        }

    def advance_clock(self, seconds: float) -> None:
        with SandboxAdmin(self.sandbox.url, self.sandbox.tenant) as admin:
            admin.advance_clock(seconds)
        self.offset += seconds

    def call(self, method: Callable[..., Any], *args: Any, body: Any = None, **options: Any) -> Any:
        headers = self.signed(body)
        extra = (body,) if body is not None else ()
        return method(
            headers.pop("content_type"),
            headers.pop("client_request_id"),
            headers.pop("api_key"),
            headers.pop("timestamp"),
            *args,
            *extra,
            **headers,
            **options,
        )


@pytest.fixture
def sdk(sandbox: Sandbox, official_conformance: list[Recorded]) -> Iterator[Sdk]:
    """The SDK, its answers recorded for the official-spec check like every other test's."""
    original = RESTClientObject.request

    def recording(self: RESTClientObject, method: str, url: str, *args: Any, **kw: Any) -> Any:
        answer = original(self, method, url, *args, **kw)
        data = answer.data
        text = data.decode() if isinstance(data, bytes) else str(data)
        record(official_conformance, method, url, answer.status, text)
        return answer

    RESTClientObject.request = recording  # type: ignore[method-assign]
    try:
        yield Sdk(sandbox)
    finally:
        RESTClientObject.request = original  # type: ignore[method-assign]


def amount(total: float) -> models.Amount:
    return models.Amount(total=total, currency="EUR")


def card_method(number: str = "4111111111111111") -> models.PaymentCardPaymentMethod:
    card = models.PaymentCard(
        number=number, security_code="123", expiry_date=models.Expiration(month="12", year="30")
    )
    return models.PaymentCardPaymentMethod(payment_card=card)


def test_a_sale_deserializes_into_the_sdk_model(sdk: Sdk) -> None:
    sale = models.PaymentCardSaleTransaction(
        request_type="PaymentCardSaleTransaction",
        transaction_amount=amount(12.04),
        payment_method=card_method(),
    )
    answer = sdk.call(sdk.payments.submit_primary_transaction, body=sale)
    assert isinstance(answer, models.TransactionResponse)
    assert (answer.transaction_type, answer.transaction_status) == ("SALE", "APPROVED")
    assert answer.transaction_state == "CAPTURED"
    assert answer.approved_amount.total == 12.04
    assert answer.payment_method_details.payment_card.last4 == "1111"
    assert answer.processor.response_code == "00"


def test_preauth_partial_postauths_and_a_return(sdk: Sdk) -> None:
    preauth = models.PaymentCardPreAuthTransaction(
        request_type="PaymentCardPreAuthTransaction",
        transaction_amount=amount(100),
        payment_method=card_method(),
        order=models.Order(order_id="sdk-order-1"),
    )
    auth = sdk.call(sdk.payments.submit_primary_transaction, body=preauth)
    assert auth.transaction_state == "AUTHORIZED"
    captured = []
    for total, final in ((40.0, False), (35.0, True)):
        post = models.PostAuthTransaction(
            request_type="PostAuthTransaction",
            transaction_amount=amount(total),
            split_shipment=models.SplitShipment(final_shipment=final),
        )
        answer = sdk.call(
            sdk.payments.submit_secondary_transaction, auth.ipg_transaction_id, body=post
        )
        assert (answer.transaction_type, answer.transaction_state) == ("POSTAUTH", "CAPTURED")
        captured.append(answer)
    sdk.advance_clock(86_400)  # returns are for transactions of an earlier day (seed 003)
    back = models.ReturnTransaction(request_type="ReturnTransaction", transaction_amount=amount(20))
    returned = sdk.call(
        sdk.payments.submit_secondary_transaction, captured[0].ipg_transaction_id, body=back
    )
    assert (returned.transaction_type, returned.transaction_status) == ("RETURN", "APPROVED")
    order = sdk.call(sdk.orders.order_inquiry, "sdk-order-1")
    assert isinstance(order, models.OrderResponse)
    assert [t.transaction_type for t in order.transactions] == [
        "PREAUTH",
        "POSTAUTH",
        "POSTAUTH",
        "RETURN",
    ]


def test_void_and_inquiry(sdk: Sdk) -> None:
    sale = models.PaymentCardSaleTransaction(
        request_type="PaymentCardSaleTransaction",
        transaction_amount=amount(5),
        payment_method=card_method(),
    )
    paid = sdk.call(sdk.payments.submit_primary_transaction, body=sale)
    void = models.VoidTransaction(request_type="VoidTransaction")
    voided = sdk.call(sdk.payments.submit_secondary_transaction, paid.ipg_transaction_id, body=void)
    assert (voided.transaction_type, voided.transaction_state) == ("VOID", "VOIDED")
    found = sdk.call(sdk.payments.transaction_inquiry, paid.ipg_transaction_id)
    assert (found.transaction_type, found.transaction_state) == ("SALE", "VOIDED")
    assert found.transaction_status is None


def test_a_decline_reaches_the_sdk_as_its_api_exception(sdk: Sdk) -> None:
    sale = models.PaymentCardSaleTransaction(
        request_type="PaymentCardSaleTransaction",
        transaction_amount=amount(5),
        payment_method=card_method("4000000000000002"),
    )
    with pytest.raises(ApiException) as declined:
        sdk.call(sdk.payments.submit_primary_transaction, body=sale)
    assert declined.value.status == 422
    error = sdk.client.deserialize(_Raw(declined.value.body), "TransactionErrorResponse")
    assert (error.response_type, error.error.code) == ("EndpointDeclined", "50005")


def test_a_3ds_challenge_through_the_sdk(sdk: Sdk) -> None:
    sale = models.PaymentCardSaleTransaction(
        request_type="PaymentCardSaleTransaction",
        transaction_amount=amount(25),
        payment_method=card_method("5204740000002745"),
        authentication_request=models.Secure3D21AuthenticationRequest(
            authentication_type="Secure3D21AuthenticationRequest",
            term_url=TERM_URL,
            method_notification_url="https://shop.example/3ds/method",
        ),
    )
    waiting = sdk.call(sdk.payments.submit_primary_transaction, body=sale)
    assert waiting.transaction_status == "WAITING"
    assert waiting.authentication_response.secure3d_method.method_form
    method = models.Secure3D21AuthenticationUpdateRequest(
        authentication_type="Secure3D21AuthenticationUpdateRequest",
        method_notification_status="RECEIVED",
    )
    challenge = sdk.call(
        sdk.payments.finalize_secure_transaction, waiting.ipg_transaction_id, body=method
    )
    params = challenge.authentication_response.params
    assert params.term_url == TERM_URL
    form = urllib.parse.urlencode({"choice": "approve"}).encode()
    with urllib.request.urlopen(params.acs_url, data=form, timeout=10) as page:  # the browser
        text = page.read().decode()
    found = re.search(r'name="cres" value="([^"]+)"', text)
    assert found is not None
    cres = html.unescape(found.group(1))
    result = models.Secure3D21AuthenticationUpdateRequest(
        authentication_type="Secure3D21AuthenticationUpdateRequest",
        acs_response=models.ACSResponse(c_res=cres),
    )
    done = sdk.call(
        sdk.payments.finalize_secure_transaction, waiting.ipg_transaction_id, body=result
    )
    assert (done.transaction_status, done.transaction_state) == ("APPROVED", "CAPTURED")
    assert done.secure3d_response.response_code3d_secure == "1"


class _Raw:
    """What ApiClient.deserialize reads: an object with ``data``."""

    def __init__(self, data: str | bytes) -> None:
        self.data = data


# --- the endpoints of the fidelity sweep, through the SDK's own APIs --------------------------


def test_an_access_token_authorises_the_sdk_s_payment_token_calls(sdk: Sdk) -> None:
    request = models.AccessTokenRequest(domain="shop.example", token="t", public_key_required=True)
    token = sdk.call(sdk.authentication.authentication_access_tokens_post, body=request)
    assert isinstance(token, models.AccessTokenResponse)
    assert (token.status, token.expires_in_seconds) == ("ACTIVE", "899")
    assert token.public_key_base64
    tokenize = models.PaymentCardPaymentTokenizationRequest(
        request_type="PaymentCardPaymentTokenizationRequest",
        payment_card=card_method().payment_card,
        create_token=models.CreatePaymentToken(value="SDK-TOKEN-1", reusable=True),
    )
    sdk.call(sdk.tokens.create_payment_token, body=tokenize)
    found = sdk.call(
        sdk.tokens.get_payment_token_details,
        "SDK-TOKEN-1",
        authorization=f"Bearer {token.token_id}",
    )
    assert (found.request_status, found.payment_token.value) == ("SUCCESS", "SDK-TOKEN-1")
    assert found.country == "USA"
    update = models.PaymentCardPaymentTokenUpdateRequest(
        request_type="PaymentCardPaymentTokenUpdateRequest",
        payment_tokens=[
            models.UpdatePaymentToken(
                value="SDK-TOKEN-1", payment_card=card_method("5555555555554444").payment_card
            )
        ],
    )
    updated = sdk.call(sdk.tokens.update_payment_token, body=update)
    assert isinstance(updated, models.PaymentTokenUpdateResponse)
    assert updated.request_status == "SUCCESS"


def test_a_payment_link_through_the_sdk(sdk: Sdk) -> None:
    link = models.PaymentUrlRequest(
        transaction_amount=amount(42.42), transaction_type="SALE", order_id="sdk-link"
    )
    created = sdk.call(sdk.links.create_payment_url, body=link)
    assert isinstance(created, models.PaymentUrlResponse)
    assert (created.request_status, created.order_id) == ("SUCCESS", "sdk-link")
    now = int(time.time())
    listed = sdk.call(
        sdk.links.payment_url_detail, str(now - 60), str(now + 60), order_id="sdk-link"
    )
    assert [d.status for d in listed.payment_url_details] == ["Created"]
    deleted = sdk.call(sdk.links.delete_payment_url, order_id="sdk-link")
    assert deleted.request_status == "SUCCESS"


def test_card_verification_and_card_information_through_the_sdk(sdk: Sdk) -> None:
    verify = models.CardVerificationRequest(payment_card=card_method().payment_card)
    checked = sdk.call(sdk.verification.verify_card, body=verify)
    assert isinstance(checked, models.TransactionResponse)
    assert (checked.transaction_state, checked.country) == ("CHECKED", "USA")
    lookup = models.CardInfoLookupRequest(
        payment_card=models.PaymentCard(number="4111111111111111")
    )
    info = sdk.call(sdk.lookup.card_info_lookup, body=lookup)
    assert isinstance(info, models.CardInfoLookupResponse)
    assert (info.request_status, info.card_details[0].issuer_country) == ("SUCCESS", "US")


def test_a_payment_schedule_through_the_sdk(sdk: Sdk) -> None:
    today = datetime.fromtimestamp(time.time(), UTC).date()
    schedule = models.PaymentMethodPaymentSchedulesRequest(
        request_type="PaymentMethodPaymentSchedulesRequest",
        start_date=today,
        transaction_amount=amount(9.99),
        frequency=models.Frequency(every=1, unit="MONTH"),
        number_of_payments=12,
        payment_method=card_method(),
        order_id="sdk-plan",
    )
    created = sdk.call(sdk.schedules.create_payment_schedule, body=schedule)
    assert isinstance(created, models.PaymentSchedulesResponse)
    sdk.advance_clock(0)
    found = sdk.call(sdk.schedules.inquiry_payment_schedule, "sdk-plan")
    assert isinstance(found, models.RecurringPaymentDetailsResponse)
    assert (found.recurring_payment_details.run_count, found.recurring_payment_details.state) == (
        1,
        "Installed",
    )
    assert [t.transaction_type for t in found.transactions] == ["SALE"]
    schedule.transaction_amount = amount(19.99)
    updated = sdk.call(sdk.schedules.update_payment_schedule, "sdk-plan", body=schedule)
    assert updated.request_status == "SUCCESS"
    cancelled = sdk.call(sdk.schedules.cancel_payment_schedule, "sdk-plan")
    assert cancelled.request_status == "SUCCESS"


def test_disbursement_and_payer_authentication_through_the_sdk(sdk: Sdk) -> None:
    party = {
        "name": "Franklin Sender",
        "street_address": "5565 Glenridge Connector",
        "city": "Atlanta",
        "state_code": "GA",
        "country_code": "US",
        "postal_code": "30342",
        "phone_number": "4044040740",
        "reference_number": "12345678",
    }
    disbursement = models.PaymentCardDisbursementTransaction(
        request_type="PaymentCardDisbursementTransaction",
        transaction_amount=amount(51),
        payment_method=card_method(),
        disbursement=models.Disbursement(
            disbursement_type="DisbursementTransactionType",
            sender_info=models.SenderInfo(account_number="135246", **party),
            receiver_info=models.ReceiverInfo(**party),
        ),
    )
    paid = sdk.call(sdk.payments.submit_primary_transaction, body=disbursement)
    assert (paid.transaction_type, paid.transaction_status) == ("DISBURSEMENT", "APPROVED")
    payer_auth = models.PaymentCardPayerAuthTransaction(
        request_type="PaymentCardPayerAuthTransaction",
        transaction_amount=amount(5),
        payment_method=card_method("4147463011110083"),
        authentication_request=models.Secure3D21AuthenticationRequest(
            authentication_type="Secure3D21AuthenticationRequest", term_url=TERM_URL
        ),
    )
    authenticated = sdk.call(sdk.payments.submit_primary_transaction, body=payer_auth)
    assert (authenticated.transaction_type, authenticated.transaction_state) == (
        "PAYER_AUTH",
        "CHECKED",
    )
