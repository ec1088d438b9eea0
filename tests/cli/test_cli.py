"""The psp-sandbox command, run as a real process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from psp_sandbox.client.tranzzo import AsyncTranzzoClient
from tests.process import ServeProcess
from tests.process import run_cli as cli
from tests.providers.tranzzo.conftest import CREDENTIALS, VISA

pytestmark = pytest.mark.slow


def test_serve_prints_one_line_per_provider_and_stops_cleanly_on_ctrl_c() -> None:
    server = ServeProcess("--store", "memory://").start()
    assert server.interrupt() == 0
    output = server.output()
    assert f"psp-sandbox on {server.url}" in output
    assert re.search(rf"^  Tranzzo +{server.url}/tranzzo/api/v1$", output, re.MULTILINE)
    assert f"{server.url}/_sandbox" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--auth", "lax"], "'lax' is not one of 'open', 'strict'"),
        (["serve", "--port", "99999"], "99999 is not in the range"),
        (["serve", "--store", "mysql://db"], "unknown store URL"),
        (["serve", "--config", "/no/such/file.toml"], "does not exist"),
        (["serve", "--auth", "strict"], "strict mode needs an admin token"),
    ],
)
def test_bad_flags_give_a_clear_message(args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "config", "line"),
    [
        (
            {},
            'auth = "strict"\n',
            "Error: strict mode needs an admin token: set PSP_SANDBOX_ADMIN_TOKEN (or admin_token "
            "in the --config file), e.g. to the output of `openssl rand -hex 32`",
        ),
        (
            {"PSP_SANDBOX_AUTH": "strict", "PSP_SANDBOX_ADMIN_TOKEN": "too-short-015"},
            "",
            "Error: admin_token (environment PSP_SANDBOX_ADMIN_TOKEN): an admin token has at "
            "least 16 characters",
        ),
    ],
)
def test_strict_mode_without_a_usable_admin_token_is_refused_at_start_in_one_line(
    tmp_path: Path, env: dict[str, str], config: str, line: str
) -> None:
    settings = tmp_path / "sandbox.toml"
    settings.write_text(config)
    result = cli("serve", "--config", str(settings), env={"PSP_SANDBOX_ADMIN_TOKEN": "", **env})
    assert (result.returncode, result.stderr.strip()) == (2, line)
    assert "too-short-015" not in result.stdout + result.stderr


def test_a_config_file_with_an_unknown_setting_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text('colour = "blue"\n')
    result = cli("serve", "--config", str(config))
    assert result.returncode == 2
    assert "colour" in result.stderr


def test_reset_forgets_the_state_of_a_running_sandbox() -> None:
    with ServeProcess("--store", "memory://") as server:
        result = cli("reset", "--url", server.url, "--all")
        assert (result.returncode, result.stdout.strip()) == (0, "reset: all")
        result = cli("reset", "--url", server.url, "--tenant", "team-a")
        assert result.stdout.strip() == "reset: team-a"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name the tenant to reset (--tenant T), or reset every one (--all)"),
        (["--tenant", "team-a", "--all"], "give --tenant T or --all, not both"),
    ],
)
def test_reset_resets_everything_only_when_asked(args: list[str], message: str) -> None:
    result = cli("reset", "--url", "http://127.0.0.1:9", *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_reset_sends_the_admin_token_from_the_environment() -> None:
    token = "cli-tests-admin-token-0002"
    with ServeProcess("--store", "memory://", env={"PSP_SANDBOX_ADMIN_TOKEN": token}) as server:
        refused = cli("reset", "--url", server.url, "--all", env={"PSP_SANDBOX_ADMIN_TOKEN": ""})
        assert refused.returncode == 1
        assert "admin_token_required: this sandbox's admin API needs its admin token" in (
            refused.stderr
        )
        done = cli("reset", "--url", server.url, "--all", env={"PSP_SANDBOX_ADMIN_TOKEN": token})
        assert (done.returncode, done.stdout.strip()) == (0, "reset: all")


def test_reset_without_a_sandbox_fails_clearly() -> None:
    result = cli("reset", "--url", "http://127.0.0.1:9", "--all")
    assert result.returncode == 1
    assert "no sandbox answered" in result.stderr


async def test_strict_mode_with_configured_credentials(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.toml"
    config.write_text(
        'auth = "strict"\nadmin_token = "cli-tests-admin-token"\n\n[[credentials.tranzzo]]\n'
        'key = "11111111-2222-4333-8444-555555555555"\n'
        'secret = "a-configured-secret-of-32-chars!"\n'
        'tenant = "team-a"\n'
        'extra = { pos_id = "66666666-7777-4888-8999-000000000000", endpoints_key = "AIzaTeamA" }\n'
    )
    from psp_sandbox.client.tranzzo import TranzzoAuthError, TranzzoCredentials

    team = TranzzoCredentials(
        "66666666-7777-4888-8999-000000000000",
        "11111111-2222-4333-8444-555555555555",
        "a-configured-secret-of-32-chars!",
        "AIzaTeamA",
    )
    stranger = TranzzoCredentials(
        "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        "12345678-1234-4123-8123-123456789012",
        "x" * 32,
        "AIzaX",
    )
    with ServeProcess("--store", "memory://", "--config", str(config)) as server:
        base = f"{server.url}/tranzzo"
        async with AsyncTranzzoClient(base, team) as client:
            assert (await client.purchase("o-1", 1, "UAH", card=VISA))["status"] == "success"
        async with AsyncTranzzoClient(base, CREDENTIALS) as client:  # the documented defaults
            assert (await client.purchase("o-2", 1, "UAH", card=VISA))["status"] == "success"
        async with AsyncTranzzoClient(base, stranger) as client:
            with pytest.raises(TranzzoAuthError):
                await client.purchase("o-3", 1, "UAH", card=VISA)
