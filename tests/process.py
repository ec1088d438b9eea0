"""Run ``psp-sandbox serve`` as a real child process, for durability and CLI tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    def __init__(
        self,
        *args: str,
        port: int | None = None,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.env = env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = ["serve", "--port", str(self.port), *args]
        self.cwd = cwd
        self.process: subprocess.Popen[str] | None = None
        # A file, not a pipe: nobody reads a pipe while the server runs, and a server that
        # logs more than a pipe holds would block on its next log line.
        self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in __exit__)

    def start(self, timeout: float = 60.0) -> ServeProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "psp_sandbox.simulator.cli", *self.args],
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_sandbox/health", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                try:  # not listening yet: give it a moment, and notice if it died
                    self.process.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    continue
                raise RuntimeError(f"serve exited early:\n{self.output()}") from None
        raise RuntimeError(f"serve did not become healthy:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as when a machine or container dies."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def interrupt(self) -> int:
        """Ctrl-C: a clean shutdown."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(15)

    def output(self) -> str:
        """What the server printed so far."""
        self._log.seek(0)
        return self._log.read()

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()
        self._log.close()


def run_cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``psp-sandbox ARGS`` as a real process (``env`` added to this one's); its exit code
    and output."""
    return subprocess.run(
        [sys.executable, "-m", "psp_sandbox.simulator.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "160", **(env or {})},
    )


def probe(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh Python process and read the JSON object it prints."""
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, Any] = json.loads(ran.stdout)
    return result
