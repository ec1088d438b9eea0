"""Request keys: a request sent again under its key gets its first answer; the key on another
request is refused. The answer is stored in the same commit as the change it reports.

Providers name the key (an idempotency header, a client request id ...) and how long it is
remembered on the tenant clock; the fingerprint says what the request was (method, path, body),
so a retry is told apart from a different request that reuses the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..engine import Decision
from ..store import Store, UnitOfWork

_KIND = "request-key"


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer as the provider rendered it."""

    status: int
    body: Any


@dataclass(frozen=True, slots=True)
class RequestKey:
    tenant: str
    provider: str
    key: str
    #: What the request was; the same key with another fingerprint is another request.
    fingerprint: str
    #: How long (tenant clock) the key and its answer are remembered.
    ttl_seconds: int

    @property
    def _id(self) -> str:
        return f"{self.provider}:{self.key}"


@dataclass(frozen=True, slots=True)
class KeyedRequest:
    """A request under a key, and how its answer is rendered from the decision it causes."""

    key: RequestKey
    answer: Callable[[Decision], Answer]


class AnsweredBefore(Exception):
    """The same request came before under this key: here is its answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


class KeyReused(Exception):
    """The key belongs to another request still remembered."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()} {path} {digest}"


async def recall(uow: UnitOfWork, key: RequestKey, now: datetime) -> Answer | None:
    """The remembered answer of this request, None for a key unknown (or forgotten); raises
    KeyReused when the key belongs to another request."""
    doc = await uow.get_document(_KIND, key.tenant, key._id)
    if doc is None or datetime.fromisoformat(doc["expires_at"]) <= now:
        return None
    if doc["fingerprint"] != key.fingerprint:
        raise KeyReused(key.key)
    return Answer(int(doc["status"]), doc["body"])


def remember(uow: UnitOfWork, key: RequestKey, answer: Answer, now: datetime) -> None:
    """Stage the answer in the unit of work; it is stored by the same commit."""
    expires_at = now + timedelta(seconds=key.ttl_seconds)
    doc = {
        "fingerprint": key.fingerprint,
        "status": answer.status,
        "body": answer.body,
        "expires_at": expires_at.isoformat(),
    }
    uow.put_document(_KIND, key.tenant, key._id, doc)


async def answered_before(store: Store, key: RequestKey, now: datetime) -> None:
    """For requests outside the payment service: raise AnsweredBefore or KeyReused."""
    async with store.begin() as uow:
        answer = await recall(uow, key, now)
    if answer is not None:
        raise AnsweredBefore(answer)


async def remember_now(store: Store, key: RequestKey, answer: Answer, now: datetime) -> None:
    """For requests outside the payment service: remember their answer on its own."""
    async with store.begin() as uow:
        remember(uow, key, answer, now)
        await uow.commit()
