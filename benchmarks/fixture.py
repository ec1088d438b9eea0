"""What the in-process ``sandbox`` pytest fixture adds per test after the session's first.

    python -m benchmarks.fixture [--tests 200]

Runs two generated pytest files of ``--tests`` tests each in fresh pytest processes: one whose
tests take the ``sandbox`` fixture and one whose tests take nothing (after a first test that
starts the sandbox, so both sessions serve alike). A plugin records each test's duration as
pytest reports it (set-up, call and tear-down); the fixture's cost per test is the difference
of the two files' mean durations, leaving out the first test. Durations inside one process are
steadier than whole-process times on a loaded machine; the medians are reported beside.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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
#: Records each test's set-up + call + tear-down seconds, in order, to $DURATIONS.
RECORDER = """
import json, os
_seconds = {}

def pytest_runtest_logreport(report):
    _seconds[report.nodeid] = _seconds.get(report.nodeid, 0.0) + report.duration

def pytest_sessionfinish(session):
    with open(os.environ["DURATIONS"], "w") as out:
        json.dump(list(_seconds.values()), out)
"""


def _durations(folder: Path, name: str, body: str) -> list[float]:
    path = folder / f"test_{name}.py"
    path.write_text(body)
    record = folder / f"{name}.json"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider",
         "-p", "no:randomly", "-p", "recorder", "--rootdir", str(folder), str(path)],
        cwd=folder, check=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(folder), "DURATIONS": str(record)},
    )  # fmt: skip
    seconds: list[float] = json.loads(record.read_text())
    return seconds[1:]  # after the session's first test, which starts the sandbox


def per_test(tests: int) -> dict[str, float]:
    """Milliseconds the fixture adds per test: by the means (the headline) and the medians."""
    with TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "recorder.py").write_text(RECORDER)
        many = _durations(folder, "with", FIRST + "".join(WITH.format(n=n) for n in range(tests)))
        none = _durations(
            folder, "none", FIRST + "".join(WITHOUT.format(n=n) for n in range(tests))
        )
    return {
        "fixture_ms_per_test": round((statistics.mean(many) - statistics.mean(none)) * 1000, 2),
        "fixture_ms_per_test_median": round(
            (statistics.median(many) - statistics.median(none)) * 1000, 2
        ),
    }


def per_test_ms(tests: int) -> float:
    return per_test(tests)["fixture_ms_per_test"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(per_test(args.tests)))


if __name__ == "__main__":
    main()
