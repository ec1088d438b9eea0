"""The case document: one tenant's state — payments with their operations, history, aliases and
requests; webhook deliveries with every attempt; clock; queued outcomes and faults, tokens,
recurrence chains and request keys; credentials — under a format name and a version.

Written canonically (sorted keys, two-space indent), so exporting the same state twice gives
the same bytes, and a case imported into another tenant exports as the original did but for
the tenant's name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import orjson
from pydantic import ConfigDict, Field, ValidationError

from ..engine import Payment
from ..store import Delivery, Exchange
from ..wire import WireModel

FORMAT: Literal["psp-sandbox/case"] = "psp-sandbox/case"
#: The version this sandbox writes and the newest it reads.
VERSION = 1


class InvalidCase(ValueError):
    """A document that is not a case this sandbox can import (nothing was changed)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Part(WireModel):
    model_config = ConfigDict(extra="forbid")


class CaseRequest(_Part):
    """A request that acted on the payment (the journal), card data masked."""

    at: datetime
    method: str
    path: str
    status: int
    latency_ms: int
    source: str
    request: str
    response: str

    @classmethod
    def of(cls, exchange: Exchange) -> CaseRequest:
        return cls.model_validate({name: getattr(exchange, name) for name in cls.model_fields})

    def exchange(self, tenant: str, payment_id: str) -> Exchange:
        return Exchange(tenant=tenant, payment_id=payment_id, **dict(self))


class CasePayment(_Part):
    payment: Payment
    #: Other names that find the payment through its provider (operation ids, wire ids ...).
    aliases: list[str] = Field(default_factory=list)
    requests: list[CaseRequest] = Field(default_factory=list)


class CaseDocumentEntry(_Part):
    """A stored document: queued outcomes and faults, a token, a recurrence chain, a request
    key."""

    kind: str
    key: str
    value: Any


class CaseCredential(_Part):
    provider: str
    key: str
    #: The secret, or its last four characters behind asterisks unless exported with secrets.
    secret: str | None
    secret_masked: bool = False
    extra: dict[str, str] = Field(default_factory=dict)
    #: Configured credentials come from the sandbox's settings; an import never changes them.
    configured: bool = False


class CaseClock(_Part):
    #: How far the tenant's clock runs ahead of real time.
    offset_ms: int = Field(ge=0)


class CaseDocument(_Part):
    format: Literal["psp-sandbox/case"] = FORMAT
    version: int = VERSION
    tenant: str = Field(pattern=r"^[A-Za-z0-9._:@-]{1,64}$")
    clock: CaseClock
    payments: list[CasePayment] = Field(default_factory=list)
    deliveries: list[Delivery] = Field(default_factory=list)
    documents: list[CaseDocumentEntry] = Field(default_factory=list)
    credentials: list[CaseCredential] = Field(default_factory=list)

    def to_json(self) -> bytes:
        return orjson.dumps(
            self.model_dump(mode="json"), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        )


def parse_case(raw: bytes) -> CaseDocument:
    """Read a case document, or raise InvalidCase saying what is wrong with it."""
    try:
        head = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidCase("invalid_case", f"not JSON: {error}") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise InvalidCase("invalid_case", f'not a case document: "format" must be "{FORMAT}"')
    version = head.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidCase("invalid_case", '"version" must be a whole number from 1')
    if version > VERSION:
        raise InvalidCase(
            "unsupported_version",
            f"this case is version {version}; this psp-sandbox reads up to version {VERSION} "
            "— upgrade psp-sandbox to import it",
        )
    try:
        return CaseDocument.model_validate(head)
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise InvalidCase("invalid_case", f"{where}: {first['msg']}") from None
