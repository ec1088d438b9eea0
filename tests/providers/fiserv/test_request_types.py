"""Fiserv request types beyond sale, preauth and credit (disbursement, payer authentication),
the request validation the spec states, duplicate lockout and the issuer's country."""

from __future__ import annotations

from typing import Any

import pytest

from psp_sandbox.client.fiserv import (
    AsyncFiservClient,
    FiservBadRequest,
    FiservDeclined,
    amount,
)
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import VISA, card

AUTH = {
    "authenticationType": "Secure3DAuthenticationRequest",
    "termURL": "https://shop.example/3ds/term",
    "methodNotificationURL": "https://shop.example/3ds/method",
}
PARTY = {
    "name": "Franklin Sender",
    "streetAddress": "5565 Glenridge Connector",
    "city": "Atlanta",
    "stateCode": "GA",
    "countryCode": "US",
    "postalCode": "30342-3456",
    "phoneNumber": "4044040740",
    "referenceNumber": "12345678",
    "accountNumber": "135246",
}
DISBURSEMENT = {
    "disbursementType": "DisbursementTransactionType",
    "senderInfo": PARTY,
    "receiverInfo": {**PARTY, "name": "Abraham Receiver"},
}


def primary(request_type: str, number: str = "4111111111111111", **fields: Any) -> dict[str, Any]:
    return {
        "requestType": request_type,
        "transactionAmount": amount("12.00", "EUR"),
        "paymentMethod": {"paymentCard": card(number).as_json()},
        **fields,
    }


async def bad_request(fiserv: AsyncFiservClient, body: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(FiservBadRequest) as bad:
        await fiserv.send("POST", "/payments", body)
    assert (bad.value.status, bad.value.response_type) == (400, "BadRequest")
    return list(bad.value.body["error"]["details"])


# --- request validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "field"),
    [
        ({"scheduled": True}, "sequence"),
        ({"sequence": "FIRST"}, "scheduled"),
        ({"sequence": "SECOND", "scheduled": True}, "sequence"),
        ({"sequence": "FIRST", "scheduled": "yes"}, "scheduled"),
        ({"sequence": "FIRST", "scheduled": True, "initiator": "BANK"}, "initiator"),
    ],
)
async def test_stored_credentials_need_a_valid_sequence_and_scheduled(
    fiserv: AsyncFiservClient, stored: dict[str, Any], field: str
) -> None:
    body = primary("PaymentCardSaleTransaction", storedCredentials=stored)
    [detail] = await bad_request(fiserv, body)
    assert detail["field"] == f"PaymentCardSaleTransaction.storedCredentials.{field}"


async def test_valid_stored_credentials_are_accepted(fiserv: AsyncFiservClient) -> None:
    stored = {"sequence": "SUBSEQUENT", "scheduled": True, "initiator": "MERCHANT"}
    body = primary("PaymentCardSaleTransaction", storedCredentials=stored)
    assert (await fiserv.send("POST", "/payments", body))["transactionStatus"] == "APPROVED"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"messageCategory": "03"}, "messageCategory"),
        ({"secure3DDeviceChannel": "01"}, "secure3DDeviceChannel"),
        ({"secure3DThreeRIIndicator": "12"}, "secure3DThreeRIIndicator"),
        ({"authenticationIndicator": "07"}, "authenticationIndicator"),
        ({"recurringExpiry": "20251301"}, "recurringExpiry"),
        ({"recurringFrequency": 0}, "recurringFrequency"),
        ({"challengeIndicator": "10"}, "challengeIndicator"),
        ({"methodNotificationURL": None}, "methodNotificationURL"),
        ({"termURL": None}, "termURL"),
    ],
)
async def test_the_3ds_request_enums_and_required_urls_are_checked(
    fiserv: AsyncFiservClient, changes: dict[str, Any], field: str
) -> None:
    auth = {k: v for k, v in {**AUTH, **changes}.items() if v is not None}
    [detail] = await bad_request(
        fiserv, primary("PaymentCardSaleTransaction", authenticationRequest=auth)
    )
    assert detail["field"].endswith(f"authenticationRequest.Secure3DAuthenticationRequest.{field}")


async def test_the_3ds_request_with_every_documented_value_is_accepted(
    fiserv: AsyncFiservClient,
) -> None:
    auth = {
        **AUTH,
        "messageCategory": "80",
        "secure3DDeviceChannel": "03",
        "secure3DThreeRIIndicator": "11",
        "authenticationIndicator": "02",
        "recurringExpiry": "20301231",
        "recurringFrequency": 30,
    }
    answer = await fiserv.send(
        "POST",
        "/payments",
        primary("PaymentCardSaleTransaction", "4147463011110083", authenticationRequest=auth),
    )
    assert answer["secure3dResponse"] == {"responseCode3dSecure": "1"}


async def test_an_unserved_request_type_is_a_400_naming_request_type(
    fiserv: AsyncFiservClient,
) -> None:
    [detail] = await bad_request(fiserv, primary("WalletSaleTransaction"))
    assert detail["field"] == "requestType"


# --- disbursements --------------------------------------------------------------------------


async def test_a_disbursement_pays_out_to_the_card(fiserv: AsyncFiservClient) -> None:
    body = primary("PaymentCardDisbursementTransaction", disbursement=DISBURSEMENT)
    answer = await fiserv.send("POST", "/payments", body)
    assert (answer["transactionType"], answer["transactionResult"], answer["transactionState"]) == (
        "DISBURSEMENT",
        "APPROVED",
        "CAPTURED",
    )
    found = await fiserv.transaction(answer["ipgTransactionId"])
    assert found["transactionType"] == "DISBURSEMENT"
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.return_(answer["ipgTransactionId"], "1", "EUR")
    assert refused.value.code == "5009"


@pytest.mark.parametrize("missing", ["senderInfo", "receiverInfo", "disbursementType"])
async def test_a_disbursement_needs_its_parties(fiserv: AsyncFiservClient, missing: str) -> None:
    disbursement = {k: v for k, v in DISBURSEMENT.items() if k != missing}
    [detail] = await bad_request(
        fiserv, primary("PaymentCardDisbursementTransaction", disbursement=disbursement)
    )
    assert detail == {
        "field": f"PaymentCardDisbursementTransaction.disbursement.{missing}",
        "message": "may not be null",
    }


# --- payer authentication -------------------------------------------------------------------


async def test_a_payer_authentication_authenticates_and_a_sale_uses_it(
    fiserv: AsyncFiservClient,
) -> None:
    auth = await fiserv.send(
        "POST",
        "/payments",
        primary("PaymentCardPayerAuthTransaction", "4147463011110083", authenticationRequest=AUTH),
    )
    assert (auth["transactionType"], auth["transactionResult"], auth["transactionState"]) == (
        "PAYER_AUTH",
        "APPROVED",
        "CHECKED",
    )
    assert auth["secure3dResponse"] == {"responseCode3dSecure": "1"}
    sale = await fiserv.send(
        "POST",
        "/payments",
        primary(
            "PaymentCardSaleTransaction",
            "4147463011110083",
            ipgTransactionId=int(auth["ipgTransactionId"]),
        ),
    )
    assert (sale["transactionType"], sale["transactionStatus"]) == ("SALE", "APPROVED")
    assert sale["secure3dResponse"] == {"responseCode3dSecure": "1"}
    assert "authenticationResponse" not in sale


async def test_a_sale_naming_a_failed_or_foreign_payer_authentication_is_50715(
    fiserv: AsyncFiservClient,
) -> None:
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.send(
            "POST",
            "/payments",
            primary(
                "PaymentCardPayerAuthTransaction", "4147463011110091", authenticationRequest=AUTH
            ),
        )
    assert failed.value.code == "50716"
    denied = failed.value.body["ipgTransactionId"]
    passed = await fiserv.send(
        "POST",
        "/payments",
        primary("PaymentCardPayerAuthTransaction", "4147463011110083", authenticationRequest=AUTH),
    )
    for reference, number in (
        (denied, "4147463011110091"),
        (passed["ipgTransactionId"], VISA.number),
    ):
        with pytest.raises(FiservDeclined) as refused:
            await fiserv.send(
                "POST",
                "/payments",
                primary("PaymentCardSaleTransaction", number, ipgTransactionId=int(reference)),
            )
        assert (refused.value.status, refused.value.code) == (409, "50715")


async def test_a_payer_authentication_needs_an_authentication(fiserv: AsyncFiservClient) -> None:
    [detail] = await bad_request(fiserv, primary("PaymentCardPayerAuthTransaction"))
    assert detail["field"] == "PaymentCardPayerAuthTransaction.authenticationRequest"


# --- duplicate lockout and the issuer's country ---------------------------------------------


async def test_duplicate_lockout_is_a_queued_outcome_answered_as_fraud(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    await admin.queue_outcome("duplicate_transaction", provider="fiserv")
    with pytest.raises(FiservDeclined) as locked:
        await fiserv.sale("12.00", "EUR", card=VISA)
    body = locked.value.body
    assert (locked.value.status, body["responseType"], body["transactionResult"]) == (
        409,
        "GatewayDeclined",
        "FRAUD",
    )
    assert body["approvalCode"] == "N:-5005:FRAUD - Duplicate lockout"
    assert body["errorMessage"] == "SGS-005005: Duplicate transaction"
    found = await fiserv.transaction(body["ipgTransactionId"])
    assert (found["transactionResult"], found["transactionState"]) == ("FRAUD", "DECLINED")
    assert (await fiserv.sale("12.00", "EUR", card=VISA))["transactionStatus"] == "APPROVED"


async def test_answers_name_the_issuers_country(fiserv: AsyncFiservClient) -> None:
    sale = await fiserv.sale("1", "EUR", card=VISA)
    assert sale["country"] == "USA"
    other = await fiserv.sale("1", "EUR", card=card("5239290700000028"))
    again = await fiserv.transaction(other["ipgTransactionId"])
    assert again["country"] == other["country"] and other["country"]
    token = await fiserv.create_token(card("5239290700000028"))
    assert token["country"] == other["country"]
