"""The fenced code blocks of the project's markdown files, for tests that run the docs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^```(?P<language>[\w-]*)[^\n]*\n(?P<code>.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks(path: Path, language: str) -> list[str]:
    """The code of every block fenced as ``language``, in order."""
    text = path.read_text()
    return [m["code"] for m in _FENCE.finditer(text) if m["language"] == language]
