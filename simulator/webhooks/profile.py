"""What the dispatcher needs from a provider to send its webhooks: encoding, signing, retries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..store import Delivery

#: Seconds to wait before each retry when a provider documents no schedule of its own:
#: 10 s, 30 s, 1 min, 5 min, 15 min, 1 h, 3 h, 6 h — nine attempts over about ten hours.
DEFAULT_RETRY_AFTER: tuple[int, ...] = (10, 30, 60, 300, 900, 3600, 10_800, 21_600)


@dataclass(frozen=True, slots=True)
class EncodedWebhook:
    body: bytes
    content_type: str
    headers: Mapping[str, str] = field(default_factory=dict)


def accepts_2xx(status: int) -> bool:
    return 200 <= status < 300


def signature_header(webhook: EncodedWebhook) -> str | None:
    """The value of the first header whose name says it is a signature, if any."""
    return next((v for k, v in webhook.headers.items() if "signature" in k.lower()), None)


@dataclass(frozen=True, slots=True)
class WebhookProfile:
    #: Turn a stored delivery into the HTTP body and headers, signed with the secret if any.
    encode: Callable[[Delivery, str | None], EncodedWebhook]
    retry_after: tuple[int, ...] = DEFAULT_RETRY_AFTER
    timeout_seconds: float = 10.0
    #: Which answers count as delivered.
    accepts: Callable[[int], bool] = accepts_2xx
    #: Where the signature is on a sent webhook (for the delivery log).
    signature: Callable[[EncodedWebhook], str | None] = signature_header
    #: Merchants register their webhook URL once (a provider dashboard; the admin API's
    #: /merchant-webhooks) instead of naming one with each request.
    registered_per_merchant: bool = False
