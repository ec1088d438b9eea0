"""Invalid settings as a person reads them: a line per problem naming the setting, where its
value came from and what is allowed; exit code 2, no traceback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError

from ..settings import ENV_PREFIX, CredentialConfig, Settings
from ..store import Store, StoreError, store_from_url


class InvalidSetting(click.ClickException):
    """``Error: <one line>``; exit code 2, like click's own usage errors."""

    exit_code = 2


@contextmanager
def settings_problems(flags: Mapping[str, Any], config: Path | None) -> Iterator[None]:
    """Turn what reading the settings raises into InvalidSetting."""
    try:
        yield
    except ValidationError as invalid:
        raise InvalidSetting(
            "\n".join(_line(problem, flags, config) for problem in invalid.errors())
        ) from None
    except tomllib.TOMLDecodeError as broken:
        raise InvalidSetting(f"config file {config} is not valid TOML: {broken}") from None
    except SettingsError as unreadable:  # e.g. PSP_SANDBOX_CREDENTIALS that is not JSON
        named = re.search(r'field "(\w+)"', str(unreadable))
        name = named.group(1) if named else "a setting"
        cause = unreadable.__cause__ or unreadable
        reading = f"not JSON: {cause}" if isinstance(cause, json.JSONDecodeError) else cause
        raise InvalidSetting(f"{name} ({_source(name, flags, config)}): {reading}") from None


def check_store(settings: Settings, flags: Mapping[str, Any], config: Path | None) -> None:
    """Open and close the store once, so that a store URL or file the sandbox cannot use is
    one clear line now rather than a failed start-up later."""
    try:
        asyncio.run(_open_and_close(store_from_url(settings.store)))
    except (StoreError, ValueError) as unusable:
        source = _source("store", flags, config)
        raise InvalidSetting(f"store = {settings.store!r} ({source}): {unusable}") from None


async def _open_and_close(store: Store) -> None:
    await store.open()
    await store.close()


#: Settings whose value an error line never repeats.
_SECRET = {"admin_token"}


def _line(problem: ErrorDetails, flags: Mapping[str, Any], config: Path | None) -> str:
    where = problem["loc"]
    if not where:  # a rule across settings: its message names them and what to do
        return str(problem["msg"]).removeprefix("Value error, ")
    name = str(where[0])
    setting = _dotted(where)
    source = _source(name, flags, config)
    if problem["type"] == "extra_forbidden":
        model: type[BaseModel] = Settings if len(where) == 1 else CredentialConfig
        known = ", ".join(sorted(model.model_fields))
        return f"{setting} ({source}): no such setting; known: {known}"
    if problem["type"] == "missing":
        return f"{setting} ({source}): required"
    allowed = problem["msg"]
    if problem["type"] == "bool_parsing":
        allowed = "Input should be true or false"
    if name in _SECRET:
        return f"{setting} ({source}): {allowed.removeprefix('Value error, ')}"
    return f"{setting} = {problem['input']!r} ({source}): {allowed}"


def _dotted(where: tuple[int | str, ...]) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _source(name: str, flags: Mapping[str, Any], config: Path | None) -> str:
    """Where the value of setting ``name`` came from, highest precedence first."""
    if flags.get(name) is not None:
        return f"--{name.replace('_', '-')}"
    variable = f"{ENV_PREFIX}{name}".upper()
    if any(key.upper() == variable for key in os.environ):
        return f"environment {variable}"
    return f"config file {config}" if config is not None else "default"
