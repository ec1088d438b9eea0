"""POST /card-verification and POST /card-information."""

from __future__ import annotations

from typing import Any

import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined
from psp_sandbox.client.sandbox import AsyncSandboxAdmin

from .conftest import card


async def verify(fiserv: AsyncFiservClient, number: str, **fields: Any) -> Any:
    body = {"paymentCard": card(number).as_json(), **fields}
    return await fiserv.send("POST", "/card-verification", body)


async def test_a_good_card_is_verified_and_nothing_is_held(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    answer = await verify(
        fiserv,
        "4111111111111111",
        billingAddress={"address1": "5565 Glenridge Conn", "postalCode": "30342"},
    )
    assert (answer["transactionStatus"], answer["transactionState"]) == ("APPROVED", "CHECKED")
    assert "transactionType" not in answer and "approvedAmount" not in answer
    assert answer["orderId"].startswith("R-")
    assert answer["processor"]["avsResponse"] == {"streetMatch": "Y", "postalCodeMatch": "Y"}
    assert answer["processor"]["securityCodeResponse"] == "MATCHED"
    assert answer["country"] == "USA"
    view = await admin.find_payment("fiserv", answer["orderId"])
    assert (view["status"], view["authorized"], view["captured"]) == ("verified", 0, 0)
    found = await fiserv.transaction(answer["ipgTransactionId"])
    assert (found["transactionResult"], found["transactionState"]) == ("APPROVED", "CHECKED")
    with pytest.raises(FiservDeclined) as refused:
        await fiserv.postauth(answer["ipgTransactionId"], "1", "EUR")
    assert refused.value.code == "10501"


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("4000000000000002", 422, "50005"),
        ("4000000000009995", 422, "50051"),
        ("4111111111111112", 409, "2303"),
    ],
)
async def test_a_bad_card_is_answered_as_a_payment_with_it_would_be(
    fiserv: AsyncFiservClient, number: str, status: int, code: str
) -> None:
    with pytest.raises(FiservDeclined) as declined:
        await verify(fiserv, number)
    assert (declined.value.status, declined.value.code) == (status, code)
    assert declined.value.body["transactionState"] == "DECLINED"


async def test_a_challenge_card_is_verified_without_3_d_secure(fiserv: AsyncFiservClient) -> None:
    answer = await verify(fiserv, "4000000000003220")
    assert (answer["transactionStatus"], "authenticationResponse" in answer) == ("APPROVED", False)


async def test_card_information_names_brand_function_issuer_and_country(
    fiserv: AsyncFiservClient,
) -> None:
    answer = await fiserv.send(
        "POST", "/card-information", {"paymentCard": {"number": "4111111111111111"}}
    )
    [info] = answer["cardDetails"]
    assert answer["requestStatus"] == "SUCCESS"
    assert (info["brand"], info["issuerCountry"]) == ("VISA", "US")
    assert info["cardFunction"] in ("CREDIT", "DEBIT")
    assert info["commercialCard"] in ("CORPORATE", "NON_CORPORATE")
    assert info["brandProductId"].startswith("VISA ") and info["issuerName"]
    again = await fiserv.send(
        "POST", "/card-information", {"paymentCard": {"number": "4111111111111111"}}
    )
    assert again["cardDetails"] == answer["cardDetails"]


async def test_card_information_of_an_unknown_range_is_an_empty_list(
    fiserv: AsyncFiservClient,
) -> None:
    answer = await fiserv.send(
        "POST", "/card-information", {"paymentCard": {"number": "9111111111111111"}}
    )
    assert (answer["requestStatus"], answer["cardDetails"]) == ("LIST_EMPTY", [])
