"""3-D Secure with the gateway as 3DS server: method, frictionless, challenge on the hosted
ACS page, the final PATCH, and every documented test card."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

import aiohttp
import pytest

from psp_sandbox.client.fiserv import AsyncFiservClient, FiservDeclined
from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import TenantClock, card

TERM_URL = "https://shop.example/3ds/term?order=1"
AUTH = {
    "authenticationType": "Secure3DAuthenticationRequest",
    "termURL": TERM_URL,
    "methodNotificationURL": "https://shop.example/3ds/method",
    "challengeIndicator": "01",
}
CHALLENGE_ANY = "4147463011110059"
METHOD_CHALLENGE_ANY = "5204740000002745"


async def pay(fiserv: AsyncFiservClient, number: str, **auth: Any) -> Any:
    return await fiserv.sale("10.00", "EUR", card=card(number), authentication={**AUTH, **auth})


async def on_acs_page(params: dict[str, str], choice: str) -> dict[str, str]:
    """Post creq to the ACS, as the browser does, then the cardholder's choice; return the
    fields the page auto-posts to termURL."""
    async with aiohttp.ClientSession() as browser:
        async with browser.post(params["acsURL"], data={"creq": params["cReq"]}) as page:
            assert page.status == 200
            assert 'id="approve"' in await page.text()
        async with browser.post(params["acsURL"], data={"choice": choice}) as done:
            text = await done.text()
    assert f'action="{html.escape(TERM_URL)}"' in text
    return {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', text)}


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match.group(1)


def decoded(value: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


async def test_a_frictionless_card_is_authenticated_and_authorized_at_once(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4147463011110083")
    assert (sale["transactionStatus"], sale["transactionState"]) == ("APPROVED", "CAPTURED")
    assert sale["secure3dResponse"] == {"responseCode3dSecure": "1"}
    assert "authenticationResponse" not in sale


async def test_the_method_step_waits_then_the_patch_gives_the_frictionless_result(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4265880000000007")
    assert (sale["transactionStatus"], sale["transactionResult"]) == ("WAITING", "WAITING")
    assert (sale["transactionState"], sale["approvalCode"]) == (
        "WAITING",
        "?:waiting 3dsecureMethod",
    )
    auth = sale["authenticationResponse"]
    assert (auth["type"], auth["version"]) == ("3D_SECURE", "2.1")
    method = auth["secure3dMethod"]
    assert 'name="threeDSMethodData"' in method["methodForm"]
    assert "/fiserv/3ds-method" in method["methodForm"]
    assert re.fullmatch(r"[0-9a-f-]{36}", method["secure3dTransId"])
    done = await fiserv.method_done(sale["ipgTransactionId"], "RECEIVED")
    assert (done["transactionStatus"], done["secure3dResponse"]) == (
        "APPROVED",
        {"responseCode3dSecure": "1"},
    )


async def test_the_method_form_target_forwards_three_ds_method_data_to_the_merchant(
    fiserv: AsyncFiservClient, sandbox: Sandbox, webhook_sink: WebhookSink
) -> None:
    sale = await pay(fiserv, "4265880000000007", methodNotificationURL=webhook_sink.url_for())
    form = sale["authenticationResponse"]["secure3dMethod"]["methodForm"]
    action = html.unescape(_found(r'action="([^"]+)"', form))
    data = html.unescape(_found(r'name="threeDSMethodData" value="([^"]+)"', form))
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(action, data={"threeDSMethodData": data}) as iframe,
    ):
        page = await iframe.text()
    assert f'action="{webhook_sink.url_for()}"' in page
    forwarded = _found(r'name="threeDSMethodData" value="([^"]+)"', page)
    trans_id = sale["authenticationResponse"]["secure3dMethod"]["secure3dTransId"]
    assert decoded(forwarded) == {"threeDSServerTransID": trans_id}


async def test_a_challenge_is_finished_on_the_acs_page_and_completed_by_the_cres_patch(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, METHOD_CHALLENGE_ANY)
    waiting = await fiserv.method_done(sale["ipgTransactionId"], "EXPECTED_BUT_NOT_RECEIVED")
    assert (waiting["transactionStatus"], waiting["approvalCode"]) == (
        "WAITING",
        "?:waiting 3dsecure",
    )
    params = waiting["authenticationResponse"]["params"]
    assert params["termURL"] == TERM_URL
    assert "/_sandbox/acs/" in params["acsURL"]
    assert decoded(params["cReq"])["messageType"] == "CReq"
    posted = await on_acs_page(params, "approve")
    assert decoded(posted["cres"])["transStatus"] == "Y"
    before_patch = await fiserv.transaction(sale["ipgTransactionId"])
    assert before_patch["transactionState"] == "WAITING"  # authorized only on the PATCH
    done = await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    assert (done["transactionStatus"], done["transactionState"]) == ("APPROVED", "CAPTURED")
    assert done["secure3dResponse"] == {"responseCode3dSecure": "1"}
    with pytest.raises(FiservDeclined) as again:
        await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    assert (again.value.status, again.value.code) == (409, "30056")


@pytest.mark.parametrize(
    ("choice", "code", "message"),
    [
        ("decline", "50716", "Transaction declined. 3D Secure authentication failed."),
        ("abandon", "5103", "Cardholder did not return from ACS"),
    ],
)
async def test_a_failed_challenge_is_409_gateway_declined(
    fiserv: AsyncFiservClient, choice: str, code: str, message: str
) -> None:
    sale = await pay(fiserv, CHALLENGE_ANY)
    assert sale["approvalCode"] == "?:waiting 3dsecure"  # challenged without a method step
    posted = await on_acs_page(sale["authenticationResponse"]["params"], choice)
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    error = failed.value
    assert (error.status, error.response_type, error.code, error.message) == (
        409,
        "GatewayDeclined",
        code,
        message,
    )
    assert (error.body["transactionStatus"], error.body["transactionResult"]) == (
        "VALIDATION_FAILED",
        "FAILED",
    )
    assert error.body["approvalCode"] == f"N:-{code}:{message}"
    found = await fiserv.transaction(sale["ipgTransactionId"])
    assert (found["transactionResult"], found["transactionState"]) == ("FAILED", "DECLINED")


async def test_a_rejecting_challenge_card_fails_even_when_the_page_approves(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4147463011110034")
    posted = await on_acs_page(sale["authenticationResponse"]["params"], "approve")
    assert decoded(posted["cres"])["transStatus"] == "R"
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    assert failed.value.code == "50716"
    assert failed.value.body["secure3dResponse"] == {"responseCode3dSecure": "3"}


async def test_the_admin_api_can_stand_in_for_the_cardholder(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin
) -> None:
    sale = await pay(fiserv, CHALLENGE_ANY)
    payment = await admin.find_payment("fiserv", sale["orderId"])
    after = await admin.complete_challenge(payment["id"], "approve")
    assert after["status"] == "pending"  # authenticated, waiting for the merchant's PATCH
    done = await fiserv.challenge_done(sale["ipgTransactionId"], "any-cres")
    assert done["transactionResult"] == "APPROVED"


async def test_patches_out_of_order_are_refused_and_change_nothing(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, METHOD_CHALLENGE_ANY)
    early = await fiserv.call(
        "PATCH",
        f"/payments/{sale['ipgTransactionId']}",
        {"authenticationType": "Secure3DAuthenticationUpdateRequest", "acsResponse": {"cRes": "x"}},
    )
    assert (early.status, early.json()["error"]["code"]) == (409, "50305")
    await fiserv.method_done(sale["ipgTransactionId"])
    twice = await fiserv.call(
        "PATCH",
        f"/payments/{sale['ipgTransactionId']}",
        {
            "authenticationType": "Secure3D21AuthenticationUpdateRequest",
            "methodNotificationStatus": "RECEIVED",
        },
    )
    assert (twice.status, twice.json()["error"]["code"]) == (409, "50715")
    both = await fiserv.call(
        "PATCH",
        f"/payments/{sale['ipgTransactionId']}",
        {
            "authenticationType": "Secure3DAuthenticationUpdateRequest",
            "methodNotificationStatus": "RECEIVED",
            "acsResponse": {"cRes": "x"},
        },
    )
    assert both.status == 400
    found = await fiserv.transaction(sale["ipgTransactionId"])
    assert found["authenticationResponse"]["params"]["termURL"] == TERM_URL


async def test_a_3ds_step_nobody_finishes_declines_after_its_wait(
    fiserv: AsyncFiservClient, admin: AsyncSandboxAdmin, clock: TenantClock
) -> None:
    sale = await pay(fiserv, "4265880000000007")
    await clock.advance(admin, 600)
    found = await fiserv.transaction(sale["ipgTransactionId"])
    assert (found["transactionResult"], found["approvalCode"]) == (
        "FAILED",
        "N:-5103:Cardholder did not return from ACS",
    )


async def test_the_3ds_1_fallback_posts_pares_and_md_and_ends_rejected(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4035874000424977")
    auth = sale["authenticationResponse"]
    assert auth["version"] == "1.0"
    params = auth["params"]
    assert set(params) == {"payerAuthenticationRequest", "termURL", "merchantData", "acsURL"}
    async with (
        aiohttp.ClientSession() as browser,
        browser.post(params["acsURL"], data={"choice": "approve"}) as done,
    ):
        text = await done.text()
    posted = dict(re.findall(r'name="(\w+)" value="([^"]*)"', text))
    assert set(posted) == {"PaRes", "MD"}
    wrong_kind = await fiserv.call(
        "PATCH",
        f"/payments/{sale['ipgTransactionId']}",
        {"authenticationType": "Secure3DAuthenticationUpdateRequest", "acsResponse": {"cRes": "x"}},
    )
    assert wrong_kind.status == 409
    answer = await fiserv.call(
        "PATCH",
        f"/payments/{sale['ipgTransactionId']}",
        {
            "authenticationType": "Secure3D10AuthenticationUpdateRequest",
            "payerAuthenticationResponse": posted["PaRes"],
            "merchantData": posted["MD"],
        },
    )
    assert (answer.status, answer.json()["error"]["code"]) == (409, "50716")


async def test_a_not_enrolled_card_is_processed_without_authentication(
    fiserv: AsyncFiservClient,
) -> None:
    with pytest.raises(FiservDeclined) as declined:
        await pay(fiserv, "4000000000000002")
    assert (declined.value.status, declined.value.code) == (422, "50005")
    assert declined.value.body["secure3dResponse"] == {"responseCode3dSecure": "3"}


async def test_a_merchant_asking_for_a_challenge_gets_one_for_any_card(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4111111111111111", challengeIndicator="04")
    waiting = await fiserv.method_done(sale["ipgTransactionId"], "NOT_EXPECTED")
    assert "params" in waiting["authenticationResponse"]
    plain = await pay(fiserv, "5555555555554444")
    done = await fiserv.method_done(plain["ipgTransactionId"], "NOT_EXPECTED")
    assert done["transactionResult"] == "APPROVED"


async def test_an_issuer_decline_still_declines_after_authentication(
    fiserv: AsyncFiservClient,
) -> None:
    sale = await pay(fiserv, "4000000000009995", challengeIndicator="03")
    waiting = await fiserv.method_done(sale["ipgTransactionId"])
    posted = await on_acs_page(waiting["authenticationResponse"]["params"], "approve")
    with pytest.raises(FiservDeclined) as declined:
        await fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"])
    assert (declined.value.status, declined.value.code) == (422, "50051")


@pytest.mark.parametrize(("status", "code"), [("Y", "1"), ("A", "4")])
async def test_an_external_authentication_result_y_or_a_is_authorized(
    fiserv: AsyncFiservClient, status: str, code: str
) -> None:
    sale = await fiserv.sale(
        "1.00",
        "EUR",
        card=card("4111111111111111"),
        authenticationResult={
            "authenticationType": "Secure3DAuthenticationResult",
            "cavv": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "authenticationResponse": status,
        },
    )
    assert sale["secure3dResponse"] == {"responseCode3dSecure": code}


async def test_any_other_external_authentication_result_is_declined_50716(
    fiserv: AsyncFiservClient,
) -> None:
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.sale(
            "1.00",
            "EUR",
            card=card("4111111111111111"),
            authenticationResult={
                "authenticationType": "Secure3DAuthenticationResult",
                "authenticationResponse": "N",
            },
        )
    assert (failed.value.status, failed.value.code) == (409, "50716")


async def test_a_token_keeps_its_card_s_3ds_behaviour(fiserv: AsyncFiservClient) -> None:
    token = await fiserv.create_token(card("4147463011110091"))
    with pytest.raises(FiservDeclined) as failed:
        await fiserv.sale("1.00", "EUR", token=token["paymentToken"]["value"], authentication=AUTH)
    assert failed.value.code == "50716"


FRICTIONLESS = [
    ("4147463011110083", "1"),
    ("5239290700000028", "1"),
    ("4147463011110091", "3"),
    ("5239290700000036", "3"),
    ("4147463011110117", "4"),
    ("5239290700000044", "4"),
    ("4147463011110042", "3"),
    ("5239290700000051", "3"),
    ("4147463011110067", "6"),
    ("5239290700000069", "6"),
    ("4147463011110125", "6"),
]
WITH_METHOD = [
    *[(n, "1") for n in ("4012000000012011004", "4265880000000007", "5204740000002711")],
    *[(n, "3") for n in ("5426064000425117", "4265880000000015", "5204740000002729")],
    *[(n, "6") for n in ("5426064000425216", "4012001037167778", "5204740000002786")],
    *[(n, "4") for n in ("5426064000425208", "4149011500000519", "4265880000000023")],
    *[(n, "3") for n in ("5204740000002778", "4265880000000031", "4012000000012011038")],
]
CHALLENGED = [
    ("4147463011110109", False, "approve", "1"),
    ("4147463011110034", False, "approve", "3"),
    ("5239290700000010", False, "approve", "3"),
    ("4147463011110059", False, "decline", "3"),
    ("5239290700000002", False, "approve", "1"),
    ("4149011500000535", True, "approve", "3"),
    ("5204740000002760", True, "approve", "3"),
    ("5544330000000235", True, "approve", "1"),
    ("4099000000001960", True, "decline", "3"),
    ("4265880000000064", True, "approve", "1"),
]


def _code_of(answer_or_error: Any) -> str:
    return str(answer_or_error["secure3dResponse"]["responseCode3dSecure"])


async def _final(call: Any) -> Any:
    try:
        return await call
    except FiservDeclined as declined:
        assert (declined.status, declined.code) == (409, "50716")
        return declined.body


@pytest.mark.parametrize(("number", "code"), FRICTIONLESS)
async def test_documented_frictionless_cards(
    fiserv: AsyncFiservClient, number: str, code: str
) -> None:
    answer = await _final(pay(fiserv, number))
    assert _code_of(answer) == code
    assert answer["transactionResult"] == ("APPROVED" if code in ("1", "4", "6") else "FAILED")


@pytest.mark.parametrize(("number", "code"), WITH_METHOD)
async def test_documented_3ds_method_cards(
    fiserv: AsyncFiservClient, number: str, code: str
) -> None:
    sale = await pay(fiserv, number)
    assert sale["approvalCode"] == "?:waiting 3dsecureMethod"
    answer = await _final(fiserv.method_done(sale["ipgTransactionId"]))
    assert _code_of(answer) == code


@pytest.mark.parametrize(("number", "method", "choice", "code"), CHALLENGED)
async def test_documented_challenge_cards(
    fiserv: AsyncFiservClient, number: str, method: bool, choice: str, code: str
) -> None:
    sale = await pay(fiserv, number)
    if method:
        sale = await fiserv.method_done(sale["ipgTransactionId"])
    posted = await on_acs_page(sale["authenticationResponse"]["params"], choice)
    answer = await _final(fiserv.challenge_done(sale["ipgTransactionId"], posted["cres"]))
    assert _code_of(answer) == code
