"""What the in-process ``sandbox`` pytest fixture adds per test after the session's first.

    python -m benchmarks.fixture [--tests 200]

Runs two generated pytest files of ``--tests`` tests each in fresh pytest processes: one whose
tests take the ``sandbox`` fixture and one whose tests take nothing; the difference of their
durations, less the first test's start of the sandbox, divided by the test count, is the
fixture's cost per test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

WITH = """
def test_{n}(sandbox):
    assert sandbox.tenant
"""
WITHOUT = """
def test_{n}():
    assert True
"""
FIRST = """
def test_0000_first(sandbox):
    assert sandbox.tenant
"""


def _seconds(folder: Path, name: str, body: str) -> float:
    path = folder / f"test_{name}.py"
    path.write_text(body)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
         "-p", "no:randomly", "--rootdir", str(folder), str(path)],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - began


def per_test_ms(tests: int) -> float:
    with TemporaryDirectory() as scratch:
        folder = Path(scratch)
        many = "".join(WITH.format(n=n) for n in range(tests))
        none = "".join(WITHOUT.format(n=n) for n in range(tests))
        with_sandbox = _seconds(folder, "with", FIRST + many)
        first_only = _seconds(folder, "first", FIRST + none)
        return round((with_sandbox - first_only) / tests * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps({"fixture_ms_per_test": per_test_ms(args.tests)}))


if __name__ == "__main__":
    main()
