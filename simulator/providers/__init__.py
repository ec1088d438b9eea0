"""The providers the sandbox serves — one registration each; a provider's code is imported when
something first needs it (``registry.py``)."""

from __future__ import annotations

from .registry import Registration

PROVIDERS: tuple[Registration, ...] = (
    Registration("tranzzo", "Tranzzo", ("/api/v1",), ".tranzzo:TranzzoPlugin"),
    Registration(
        "fiserv",
        "Fiserv IPG (First Data Gateway v2)",
        ("/gateway/v2", "/ipp/payments-gateway/v2", "/sandbox/ipp/payments-gateway/v2"),
        ".fiserv:FiservPlugin",
    ),
    Registration("macropay", "Macropay Revup", ("/v2",), ".macropay:MacropayPlugin"),
    Registration("payworks", "payworks", ("/v2",), ".payworks:PayworksPlugin"),
    Registration(
        "paymentz",
        "Paymentz transactionServices",
        ("/transactionServices/REST/v1",),
        ".paymentz:PaymentzPlugin",
    ),
)
