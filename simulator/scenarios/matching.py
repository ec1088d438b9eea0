"""Comparing what came with what a scenario expects: subsets of JSON, and dotted paths into it."""

from __future__ import annotations

from typing import Any


class Missing(LookupError):
    """A dotted path leads nowhere in the value."""


def dig(value: Any, path: str) -> Any:
    """``operations.0.status`` of a JSON value."""
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif (
            isinstance(value, list)
            and part.lstrip("-").isdigit()
            and -len(value) <= int(part) < len(value)
        ):
            value = value[int(part)]
        else:
            raise Missing(f"no {path!r} in the answer")
    return value


def differences(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Where ``actual`` does not have what ``expected`` says: objects may hold more keys than
    expected; lists and scalars must match exactly (lists element by element)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where or 'answer'}: expected an object, got {actual!r}"]
        found = []
        for key, wanted in expected.items():
            here = f"{where}.{key}" if where else key
            if key not in actual:
                found.append(f"{here}: missing (expected {wanted!r})")
            else:
                found.extend(differences(wanted, actual[key], here))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r}, got {actual!r}"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{where}.{i}")
        ]
    if expected != actual:
        return [f"{where or 'answer'}: expected {expected!r}, got {actual!r}"]
    return []
