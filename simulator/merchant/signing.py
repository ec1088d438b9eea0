"""What a merchant's request carries to authenticate, provider by provider (each provider's
plugin says how it is done: headers, signatures, timestamps)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ..services.credentials import Credential


@dataclass(frozen=True, slots=True)
class MerchantRequest:
    """A request as a merchant sends it, before authentication is added."""

    method: str
    #: The path under the provider's mount (``/api/v1/payment``, ``/gateway/v2/payments``).
    path: str
    body: bytes
    #: The time the merchant signs with (for providers that sign timestamps).
    now: datetime
    #: A unique id for request ids the provider asks for (Client-Request-Id ...).
    nonce: str


#: A provider's way of authenticating a merchant's request: the headers to add.
Signer = Callable[[Credential, MerchantRequest], Mapping[str, str]]
