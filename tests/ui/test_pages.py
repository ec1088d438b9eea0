"""The hosted pages escape whatever a merchant or a browser put into them."""

from __future__ import annotations

import httpx

from psp_sandbox.client.tranzzo import TranzzoClient
from psp_sandbox.simulator.testing.plugin import Sandbox
from tests.providers.tranzzo.conftest import CREDENTIALS, card

HOSTILE = '"><script>alert(1)</script>'


def test_merchant_text_on_the_checkout_page_is_escaped(sandbox: Sandbox) -> None:
    with TranzzoClient(sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers) as c:
        answer = c.purchase("escape-1", 10, "UAH", mode="hosted", description=f"Order {HOSTILE}")
    page = httpx.get(answer["redirect_url"])
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "Order &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_fields_passed_on_by_the_challenge_page_are_escaped(sandbox: Sandbox) -> None:
    with TranzzoClient(sandbox.base_url("tranzzo"), CREDENTIALS, headers=sandbox.headers) as c:
        answer = c.purchase(
            "escape-2", 10, "UAH", card=card("4000000000003220"), order_3ds_bypass="never"
        )
    page = httpx.post(answer["user_action_url"], data={"MD": HOSTILE})
    assert page.status_code == 200
    assert 'name="MD" value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page.text
    assert "<script>alert(1)" not in page.text
