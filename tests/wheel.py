"""psp-sandbox's wheel, built once per test process for the tests that install or inspect it.

It is built from a copy of the checkout, so that setuptools' ``build/`` folder of the checkout
is never touched (two builds at once there would trip over each other). Tests that use it share
the xdist group ``wheel``, so that one worker builds it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NOT_SOURCE = shutil.ignore_patterns(
    *(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"),
    "*.db*",
)


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "psp-sandbox"
    shutil.copytree(ROOT, source, symlinks=True, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = out.glob("psp_sandbox-*.whl")
    return wheel
