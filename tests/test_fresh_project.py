"""Done means: a brand-new project — with a ``simulator`` and a ``client`` package of its own —
installs the built psp-sandbox wheel into a fresh virtual environment and runs the documented
blocking and awaiting examples (docs/testing.md) green, with nothing else added.

Third-party wheels come from a wheelhouse kept in ``build/`` (filled from the package index the
first time), so that a run installs offline in seconds; psp-sandbox's own wheel is built anew.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.markdown import ROOT, code_blocks

pytestmark = pytest.mark.slow

#: What docs/testing.md tells a user to install.
REQUIREMENTS = ["pytest", "pytest-asyncio"]
EXAMPLES = code_blocks(ROOT / "docs" / "testing.md", "python")


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def wheelhouse() -> Path:
    """Third-party wheels for the project's dependencies, refreshed when they change."""
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    key = hashlib.sha256(pyproject + " ".join(REQUIREMENTS).encode()).hexdigest()[:12]
    return ROOT / "build" / f"wheelhouse-{key}"


def install(python: Path, wheel: Path) -> None:
    house = wheelhouse()
    wanted = [str(wheel), *REQUIREMENTS]
    offline = ["--python", str(python), "install", "-q", "--no-index", "-f", str(house)]
    if house.is_dir() and pip(*offline, *wanted).returncode == 0:
        return
    for stale in house.parent.glob("wheelhouse-*"):
        if stale != house:
            shutil.rmtree(stale, ignore_errors=True)
    filled = pip("wheel", "-q", "-w", str(house), *wanted)
    assert filled.returncode == 0, filled.stderr
    installed = pip(*offline, *wanted)
    assert installed.returncode == 0, installed.stderr


@pytest.mark.xdist_group("wheel")
def test_a_new_project_installs_the_wheel_and_runs_the_documented_examples(
    tmp_path: Path, built_wheel: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install(python, built_wheel)

    project = tmp_path / "shop"
    for package in ("simulator", "client"):
        (project / package).mkdir(parents=True)
        (project / package / "__init__.py").write_text(f'OURS = "{package}"\n')
    (project / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    for number, code in enumerate(EXAMPLES):
        (project / f"test_example_{number}.py").write_text(code)
    (project / "test_own_packages.py").write_text(
        "import client, simulator\n\n"
        "def test_our_packages_are_ours():\n"
        '    assert (client.OURS, simulator.OURS) == ("client", "simulator")\n'
    )

    ran = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    expected = 1 + sum(len(re.findall(r"^(?:async )?def test_", c, re.M)) for c in EXAMPLES)
    assert re.search(rf"\b{expected} passed\b", ran.stdout), ran.stdout
