"""3-D Secure in Tranzzo: pending with user_action_url, finished on the hosted page or admin API."""

from __future__ import annotations

import aiohttp

from psp_sandbox.client.sandbox import AsyncSandboxAdmin
from psp_sandbox.client.tranzzo import AsyncTranzzoClient, decode_webhook
from psp_sandbox.simulator.testing.sink import WebhookSink

from .conftest import CREDENTIALS, VISA, card

CHALLENGE_CARD = card("4000000000003220")


async def test_a_challenge_card_leaves_the_payment_pending_with_an_action_url(
    tranzzo: AsyncTranzzoClient,
) -> None:
    answer = await tranzzo.purchase(
        "o-1", 10, "UAH", card=CHALLENGE_CARD, result_url="https://shop.example/back"
    )
    assert (answer["status"], answer["status_code"]) == ("pending", "2122")
    assert answer["user_action_required"] is True
    assert f"/_sandbox/acs/{answer['payment_id']}." in answer["user_action_url"]


async def test_approving_the_challenge_finishes_the_payment_and_sends_the_webhook(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin, webhook_sink: WebhookSink
) -> None:
    answer = await tranzzo.purchase(
        "o-1", 10, "UAH", card=CHALLENGE_CARD, server_url=webhook_sink.url_for()
    )
    after = await admin.complete_challenge(answer["payment_id"], "approve")
    assert after["status"] == "captured"
    [status] = await tranzzo.order_status("o-1")
    assert (status["status"], status["status_code"]) == ("success", "1000")
    [delivery] = await webhook_sink.received(1)
    assert decode_webhook(delivery.form, CREDENTIALS.api_secret)["status"] == "success"


async def test_declining_or_abandoning_the_challenge_fails_the_payment(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    for order, choice, code in (("o-1", "decline", "2108"), ("o-2", "abandon", "2109")):
        answer = await tranzzo.purchase(order, 10, "UAH", card=CHALLENGE_CARD)
        await admin.complete_challenge(answer["payment_id"], choice)
        [status] = await tranzzo.order_status(order)
        assert (status["status"], status["status_code"]) == ("failure", code)


async def test_the_hosted_challenge_page_finishes_and_redirects_to_result_url(
    tranzzo: AsyncTranzzoClient,
) -> None:
    answer = await tranzzo.purchase(
        "o-1", 10, "UAH", card=CHALLENGE_CARD, result_url="https://shop.example/back?order=o-1"
    )
    async with aiohttp.ClientSession() as browser:
        async with browser.get(answer["user_action_url"]) as page:
            html = await page.text()
            assert page.status == 200
            assert 'id="approve"' in html
            assert "10.00 UAH" in html
        async with browser.post(
            answer["user_action_url"], data={"choice": "approve"}, allow_redirects=False
        ) as done:
            assert done.status == 303
            assert done.headers["Location"] == "https://shop.example/back?order=o-1"
        async with browser.get(answer["user_action_url"]) as again:
            assert "already completed" in await again.text()
    [status] = await tranzzo.order_status("o-1")
    assert status["status"] == "success"


async def test_bypass_always_skips_and_never_forces_the_challenge(
    tranzzo: AsyncTranzzoClient,
) -> None:
    skipped = await tranzzo.purchase(
        "o-1", 10, "UAH", card=CHALLENGE_CARD, order_3ds_bypass="always"
    )
    assert skipped["status"] == "success"
    forced = await tranzzo.purchase("o-2", 10, "UAH", card=VISA, order_3ds_bypass="never")
    assert (forced["status"], forced["user_action_required"]) == ("pending", True)


async def test_a_declining_card_still_declines_after_a_forced_challenge(
    tranzzo: AsyncTranzzoClient, admin: AsyncSandboxAdmin
) -> None:
    answer = await tranzzo.purchase(
        "o-1", 10, "UAH", card=card("4000000000009995"), order_3ds_bypass="never"
    )
    await admin.complete_challenge(answer["payment_id"], "approve")
    [status] = await tranzzo.order_status("o-1")
    assert (status["status"], status["status_code"]) == ("failure", "5051")
