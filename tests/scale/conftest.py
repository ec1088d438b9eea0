"""Two real ``psp-sandbox serve`` processes sharing one store: one SQLite file or one
PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from psp_sandbox.simulator.testing.postgres import PostgresServer
from tests.process import ServeProcess

#: Claims run out sooner than by default, so a killed process's deliveries move on within the
#: test, yet leave an attempt (its timeout a third of the lease) room on a busy machine.
FAST_LEASE = {"PSP_SANDBOX_LEASE_SECONDS": "10", "PSP_SANDBOX_POLL_INTERVAL": "0.05"}


@dataclass
class Pair:
    store: str
    a: ServeProcess
    b: ServeProcess

    @property
    def urls(self) -> tuple[str, str]:
        return self.a.url, self.b.url

    def url(self, index: int) -> str:
        """Split load: even requests go to one process, odd ones to the other."""
        return self.urls[index % 2]


def shared_store(kind: str, tmp: Path, postgres: PostgresServer) -> str:
    return f"sqlite:///{tmp}/shared.db" if kind == "sqlite" else postgres.fresh_database()


def start_pair(store: str) -> Pair:
    a = ServeProcess("--store", store, env=FAST_LEASE).start()
    try:
        b = ServeProcess("--store", store, env=FAST_LEASE).start()
    except BaseException:
        a.kill()
        raise
    return Pair(store, a, b)


def stop_pair(pair: Pair) -> None:
    for process in (pair.a, pair.b):
        if process.process is not None and process.process.poll() is None:
            process.interrupt()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    """Two processes on one store, shared by a module's tests (each uses its own tenant)."""
    postgres = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    store = shared_store(request.param, tmp_path_factory.mktemp("pair"), postgres)  # type: ignore[arg-type]
    running = start_pair(store)
    yield running
    stop_pair(running)
