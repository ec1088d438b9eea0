"""Slow or lying clients are cut off, over real sockets: a connection without a complete
request is closed after ``idle_timeout``, a body that never arrives is answered 408 (in the
envelope of whoever serves the path) after ``body_timeout`` and its connection closed."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator

import pytest

from psp_sandbox.simulator.testing.server import SandboxServer
from tests.providers.tranzzo.conftest import CREDENTIALS

#: Far above the configured timeouts: a connection still open then was never going to close.
PATIENCE = 10.0


@pytest.fixture(scope="module")
def impatient() -> Iterator[SandboxServer]:
    with SandboxServer(idle_timeout=0.5, body_timeout=0.5) as server:
        yield server


def connect(server: SandboxServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=PATIENCE)


def closed_within(sock: socket.socket, seconds: float = PATIENCE) -> tuple[bool, bytes]:
    """Read until the server closes the connection (True) or ``seconds`` pass (False)."""
    received, deadline = b"", time.monotonic() + seconds
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], deadline - time.monotonic())
        if not readable:
            break
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return True, received
        if not chunk:
            return True, received
        received += chunk
    return False, received


def test_a_connection_that_never_finishes_its_headers_is_closed(impatient: SandboxServer) -> None:
    with connect(impatient) as sock:
        sock.sendall(b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        closed, answer = closed_within(sock)
    assert closed and answer == b""


def test_headers_trickling_in_byte_by_byte_do_not_keep_a_connection_open(
    impatient: SandboxServer,
) -> None:
    header = b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    started = time.monotonic()
    with connect(impatient) as sock:
        for byte in header:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            readable, _, _ = select.select([sock], [], [], 0.05)  # the server's word, if any
            if readable and not sock.recv(1):
                break
        else:
            pytest.fail("the server waited for every byte of an endless header")
    assert time.monotonic() - started < PATIENCE


def test_an_idle_kept_alive_connection_is_closed(impatient: SandboxServer) -> None:
    with connect(impatient) as sock:
        sock.sendall(b"GET /_sandbox/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        closed, answer = closed_within(sock)
    assert closed
    assert answer.startswith(b"HTTP/1.1 200 OK")


def test_many_slow_connections_are_all_closed(impatient: SandboxServer) -> None:
    sockets = [connect(impatient) for _ in range(100)]
    try:
        for sock in sockets:
            sock.sendall(b"POST /tranzzo/api/v1/payment HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert all(closed_within(sock)[0] for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def promise_more_than_sent(server: SandboxServer, path: str, headers: str = "") -> bytes:
    with connect(server) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: 1000\r\n{headers}\r\n".encode()
            + b'{"amount": 1'
        )
        closed, answer = closed_within(sock)
    assert closed, "the connection stayed open after its body timed out"
    return answer


def body_of(answer: bytes) -> object:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), head
    return json.loads(body)


def test_a_false_content_length_is_408_in_the_providers_envelope(
    impatient: SandboxServer,
) -> None:
    auth = (
        f"X-API-AUTH: CPAY {CREDENTIALS.api_key}:{CREDENTIALS.api_secret}\r\n"
        f"X-API-KEY: {CREDENTIALS.endpoints_key}\r\n"
    )
    answer = promise_more_than_sent(impatient, "/tranzzo/api/v1/payment", auth)
    assert body_of(answer) == {"message": "Request Timeout", "args": {"code": "P-408"}}


def test_a_false_content_length_is_408_in_the_admin_envelope(impatient: SandboxServer) -> None:
    answer = promise_more_than_sent(impatient, "/_sandbox/clock?tenant=t-1")
    assert body_of(answer) == {"error": {"code": "request_timeout", "message": "Request Timeout"}}


def test_a_false_content_length_on_a_hosted_page_is_408(impatient: SandboxServer) -> None:
    answer = promise_more_than_sent(impatient, "/_sandbox/checkout/nothing")
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_the_defaults_are_finite_and_short() -> None:
    with SandboxServer() as server:
        settings = server.settings
    assert 0 < settings.idle_timeout <= 60
    assert 0 < settings.body_timeout <= 60
