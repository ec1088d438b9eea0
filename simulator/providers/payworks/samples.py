"""The events ``psp-sandbox trigger payworks`` can send: a charge that the payworks Test Card
approves, and one it declines, each executed on the terminal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ...merchant.samples import Merchant, Sample
from .auth import DEFAULT_MERCHANT


def _charge(amount: float) -> Callable[[Merchant], Awaitable[None]]:
    async def run(merchant: Merchant) -> None:
        # payworks' merchants register their webhook URL once (the Gateway Manager).
        hooks = f"/merchant-webhooks/payworks/{DEFAULT_MERCHANT}"
        await merchant.admin("PUT", hooks, {"url": merchant.hook})
        session = await merchant.call(
            "POST",
            f"/v2/merchants/{DEFAULT_MERCHANT}/transactionSessions",
            {"transaction": {"amount": amount, "currency": "EUR", "type": "CHARGE",
                             "subject": "psp-sandbox trigger"}},
        )  # fmt: skip
        identifier = session["data"]["transaction"]["identifier"]
        found = await merchant.admin("GET", f"/payments?provider=payworks&reference={identifier}")
        await merchant.admin("POST", f"/payments/{found['payments'][0]['id']}/execute", {})

    return run


SAMPLES = {
    "transaction.succeeded": Sample(
        "A 10.00 EUR charge the payworks Test Card approves (signature)", _charge(10.00)
    ),
    "transaction.failed": Sample(
        "A 100.00 EUR charge the payworks Test Card declines at once", _charge(100.00)
    ),
}
