"""The shell examples of README.md and docs/providers/*.md run as written, twice, against a
fresh ``psp-sandbox serve`` (SQLite, as ``make run`` starts it).

Each document's blocks run in order in one POSIX shell (``sh``, with ``set -eu``: an unset
variable is an error), as a reader pasting them into a terminal would; the only change is the
port of the sandbox. ``curl`` fails on any 4xx or 5xx answer. GNU-only options (``date +%N``,
``base64 -w``) fail as they would on macOS. The same blocks then run a second time against the
same state, as a reader who comes back tomorrow would. A block that must not run here (one
that starts the sandbox itself) says so in its fence: ```` ```sh no-run: <why> ````.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.markdown import ROOT
from tests.process import ServeProcess

pytestmark = pytest.mark.slow

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs" / "providers").glob("*.md"))]
SHELLS = {"sh", "bash", "shell", "console"}
_FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)
#: Options and files that exist on GNU/Linux only.
_NOT_PORTABLE = re.compile(r"/proc/|\bgrep -P\b|\bsed -i\s|\breadlink -f\b")

PRELUDE = """\
set -eu
curl() { command curl --fail-with-body --show-error "$@"; }
"""

STRICT_TOOLS = {
    # BSD date has no %N (nanoseconds); BSD base64 does not wrap, and has no -w.
    "date": 'case "$*" in *%*N*) echo "date: %N is GNU-only" >&2; exit 64;; esac\n',
    "base64": 'case "$*" in *-w*|*--wrap*) echo "base64: -w is GNU-only" >&2; exit 64;; esac\n',
}


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    info: str
    code: str

    @property
    def runs(self) -> bool:
        return "no-run:" not in self.info


def shell_blocks(document: Path) -> list[Block]:
    text = document.read_text()
    found = []
    for match in _FENCE.finditer(text):
        info = match["info"].strip()
        if info.split(" ")[0] in SHELLS:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Block(document, line, info, match["code"]))
    return found


def _id(document: Path) -> str:
    return str(document.relative_to(ROOT))


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_blocks_that_do_not_run_say_why(document: Path) -> None:
    for block in shell_blocks(document):
        if not block.runs:
            reason = block.info.split("no-run:", 1)[1].strip()
            assert reason, f"{_id(document)}:{block.line}: no-run needs a reason"


@pytest.mark.parametrize("document", DOCUMENTS, ids=_id)
def test_examples_use_only_portable_commands(document: Path) -> None:
    for block in shell_blocks(document):
        found = _NOT_PORTABLE.search(block.code)
        assert found is None, f"{_id(document)}:{block.line}: {found and found.group()}"


@pytest.fixture
def strict_tools(tmp_path: Path) -> Path:
    """A folder to put first on PATH: date and base64 refusing GNU-only options."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool, guard in STRICT_TOOLS.items():
        real = subprocess.run(
            ["sh", "-c", f"command -v {tool}"], capture_output=True, text=True, check=True
        ).stdout.strip()
        script = folder / tool
        script.write_text(f'#!/bin/sh\n{guard}exec {real} "$@"\n')
        script.chmod(0o755)
    return folder


RUNNABLE = [d for d in DOCUMENTS if any(block.runs for block in shell_blocks(d))]


def test_the_readme_and_each_guide_with_commands_have_examples_to_run() -> None:
    assert {d.name for d in RUNNABLE} >= {"README.md", "tranzzo.md", "fiserv.md", "macropay.md"}


@pytest.mark.parametrize("document", RUNNABLE, ids=_id)
def test_the_shell_examples_run_as_written_twice(
    document: Path, tmp_path: Path, strict_tools: Path
) -> None:
    blocks = [block for block in shell_blocks(document) if block.runs]
    with ServeProcess("--store", f"sqlite:///{tmp_path}/sandbox.db", cwd=tmp_path) as server:
        address = server.url.removeprefix("http://")
        script = PRELUDE + "".join(
            f"echo '### {_id(document)} line {b.line}' >&2\n"
            + b.code.replace("127.0.0.1:8480", address).replace("localhost:8480", address)
            for b in blocks
        )
        env = {**os.environ, "PATH": f"{strict_tools}{os.pathsep}{os.environ['PATH']}"}
        for run in ("first", "second"):
            ran = subprocess.run(
                ["sh", "-c", script],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert ran.returncode == 0, f"{run} run failed:\n{ran.stderr[-3000:]}"
