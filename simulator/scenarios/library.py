"""The scenarios psp-sandbox ships: each provider's classic edge cases, by ``provider/name``."""

from __future__ import annotations

from pathlib import Path

from .model import InvalidScenario

FOLDER = Path(__file__).parent / "library"


def shipped() -> list[str]:
    """``provider/name`` of every shipped scenario."""
    return sorted(f"{p.parent.name}/{p.stem}" for p in FOLDER.glob("*/*.yaml"))


def locate(given: str) -> Path:
    """A scenario file: a path, or the ``provider/name`` of a shipped one."""
    path = Path(given)
    if path.is_file():
        return path
    shipped_one = FOLDER / f"{given.removesuffix('.yaml')}.yaml"
    if shipped_one.is_file():
        return shipped_one
    raise InvalidScenario(f"no scenario file {given!r} (and no shipped scenario of that name)")
