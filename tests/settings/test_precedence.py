"""Where each setting comes from: flags, then PSP_SANDBOX_* variables, then the TOML file,
then the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from psp_sandbox.simulator.settings import Settings, load_settings


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sandbox.toml"
    path.write_text(
        'seed = 1\nport = 9001\nauth = "strict"\nadmin_token = "precedence-tests-token"\n'
        'store = "memory://"\n'
    )
    return path


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"PSP_SANDBOX_{name.upper()}", raising=False)


def test_defaults_apply_when_nothing_is_given() -> None:
    settings = load_settings()
    assert (settings.port, settings.auth, settings.seed) == (8480, "open", None)
    assert (settings.log_level, settings.log_format) == ("info", "plain")


def test_the_config_file_overrides_the_defaults(config: Path) -> None:
    settings = load_settings(config)
    assert (settings.seed, settings.port, settings.auth) == (1, 9001, "strict")


def test_the_environment_overrides_the_config_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSP_SANDBOX_PORT", "9002")
    monkeypatch.setenv("psp_sandbox_auth", "open")  # names are not case-sensitive
    settings = load_settings(config)
    assert (settings.seed, settings.port, settings.auth) == (1, 9002, "open")


def test_flags_override_the_environment_and_the_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSP_SANDBOX_PORT", "9002")
    settings = load_settings(config, port=9003, seed=None)  # an absent flag (None) is no value
    assert (settings.seed, settings.port) == (1, 9003)


def test_credentials_come_from_the_file_as_tables(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('[[credentials.tranzzo]]\nkey = "k"\nsecret = "s"\nextra = { pos_id = "p" }\n')
    [entry] = load_settings(path).credentials["tranzzo"]
    assert (entry.key, entry.secret, entry.tenant, entry.extra) == ("k", "s", None, {"pos_id": "p"})


def test_a_misspelt_credential_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.toml"
    path.write_text('[[credentials.tranzzo]]\nkey = "k"\nsecert = "s"\n')
    with pytest.raises(ValidationError, match="secert"):
        load_settings(path)
