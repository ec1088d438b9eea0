"""Bad settings and unusable stores stop ``serve`` with one line a person can act on.

Most cases run the command in-process (click's runner); the first and the last run it as a
real process, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_sandbox.simulator.cli import main


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def _without_ambient_settings() -> dict[str, str | None]:
    return {k: None for k in os.environ if k.upper().startswith("PSP_SANDBOX_")}


def serve(*args: str, env: dict[str, str] | None = None) -> Ran:
    result = CliRunner().invoke(
        main, ["serve", *args], env={**_without_ambient_settings(), **(env or {})}
    )
    return Ran(result.exit_code, result.stdout, result.stderr)


def serve_process(*args: str, env: dict[str, str] | None = None) -> Ran:
    ambient = _without_ambient_settings()
    result = subprocess.run(
        [sys.executable, "-m", "psp_sandbox.simulator.cli", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**{k: v for k, v in os.environ.items() if k not in ambient}, **(env or {})},
    )
    return Ran(result.returncode, result.stdout, result.stderr)


def refused_with(result: Ran) -> str:
    """The one line of a refusal: exit code 2, no traceback, nothing on stdout."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    return line


@pytest.mark.slow
def test_a_bad_environment_value_names_the_variable_and_the_allowed_values() -> None:
    line = refused_with(serve_process(env={"PSP_SANDBOX_AUTH": "lax"}))
    assert line == (
        "Error: auth = 'lax' (environment PSP_SANDBOX_AUTH): Input should be 'open' or 'strict'"
    )


def test_a_bad_boolean_says_true_or_false() -> None:
    line = refused_with(serve(env={"PSP_SANDBOX_ACCESS_LOG": "maybe"}))
    assert "PSP_SANDBOX_ACCESS_LOG" in line
    assert line.endswith("Input should be true or false")


def test_credentials_in_the_environment_must_be_json() -> None:
    line = refused_with(serve(env={"PSP_SANDBOX_CREDENTIALS": "tranzzo=k"}))
    assert line.startswith("Error: credentials (environment PSP_SANDBOX_CREDENTIALS): not JSON")


def test_a_bad_value_in_the_config_file_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text('log_format = "xml"\n')
    line = refused_with(serve("--config", str(config)))
    assert line == (
        f"Error: log_format = 'xml' (config file {config}): Input should be 'plain' or 'json'"
    )


def test_an_unknown_setting_in_the_config_file_lists_the_known_ones(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text('colour = "blue"\n')
    line = refused_with(serve("--config", str(config)))
    assert line.startswith(f"Error: colour (config file {config}): no such setting; known: ")
    assert "admin_token, allowed_hosts, auth, body_timeout, credentials, host" in line


def test_a_config_file_that_is_not_toml_says_where(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("auth = \n")
    line = refused_with(serve("--config", str(config)))
    assert line == (
        f"Error: config file {config} is not valid TOML: Invalid value (at line 1, column 8)"
    )


def test_the_environment_value_wins_over_the_file_and_is_the_one_blamed(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text("port = 8000\n")
    line = refused_with(serve("--config", str(config), env={"PSP_SANDBOX_PORT": "99999"}))
    assert line == (
        "Error: port = '99999' (environment PSP_SANDBOX_PORT): "
        "Input should be less than or equal to 65535"
    )


def test_a_store_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/sandbox.db"
    line = refused_with(serve("--store", url))
    assert line == (
        f"Error: store = '{url}' (--store): directory {tmp_path}/missing does not exist; "
        "create it first"
    )
    assert not (tmp_path / "missing").exists()


def test_a_store_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    line = refused_with(serve("--store", f"sqlite:///{tmp_path}"))
    assert line.endswith(f"{tmp_path} is a directory; name a database file inside it")


def test_a_store_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n" * 100)
    line = refused_with(serve("--store", f"sqlite:///{notes}"))
    assert line.endswith(f"{notes} is not a SQLite database")
    assert notes.read_text() == "shopping list\n" * 100


def test_a_store_where_the_process_may_not_write_is_refused(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # permissions do not bind root; sysfs refuses new files to anyone
        where = Path("/sys")
    else:
        where = tmp_path / "read-only"
        where.mkdir(mode=0o555)
    url = f"sqlite:///{where}/sandbox.db"
    line = refused_with(serve(env={"PSP_SANDBOX_STORE": url}))
    assert line == (
        f"Error: store = '{url}' (environment PSP_SANDBOX_STORE): "
        f"cannot write {where}/sandbox.db: Permission denied"
    )


@pytest.mark.slow
def test_an_unknown_store_scheme_is_refused() -> None:
    line = refused_with(serve_process("--store", "mysql://db"))
    assert "unknown store URL 'mysql://db'" in line
