"""The pytest plugin in other people's projects: docs/testing.md's examples, run by pytest in
a project of its own (with its own ``simulator`` and ``client`` packages) without any asyncio
plugin, beside pytest-asyncio in strict and in auto mode, and against a running sandbox; and a
contract suite run by module name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from psp_sandbox.client.sandbox import SandboxAdmin
from tests.markdown import ROOT, code_blocks
from tests.process import ServeProcess

pytestmark = pytest.mark.slow

EXAMPLES = code_blocks(ROOT / "docs" / "testing.md", "python")
BLOCKING = [code for code in EXAMPLES if re.search(r"^def test_", code, re.MULTILINE)]
AWAITING = [code for code in EXAMPLES if re.search(r"^async def test_", code, re.MULTILINE)]
#: Plugins are named, not discovered, so that each run loads only what the case is about
#: (tests/test_fresh_project.py covers discovery of the installed plugin).
PLUGIN = ("-p", "psp_sandbox.simulator.testing.plugin")
ASYNCIO = ("-p", "pytest_asyncio.plugin")


def test_the_testing_guide_has_blocking_and_awaiting_examples() -> None:
    assert BLOCKING
    assert AWAITING
    assert len(BLOCKING) + len(AWAITING) == len(EXAMPLES)


def project(where: Path, examples: list[str], ini: str = "") -> Path:
    """A project of someone else's: its own simulator/ and client/ packages, the examples."""
    for package in ("simulator", "client"):
        (where / package).mkdir()
        (where / package / "__init__.py").write_text(f'NAME = "their own {package}"\n')
    (where / "pytest.ini").write_text(f"[pytest]\n{ini}\n")
    for number, code in enumerate(examples):
        (where / f"test_example_{number}.py").write_text("import client, simulator\n\n" + code)
    return where


def pytest_in(where: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PSP_SANDBOX_")}
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *PLUGIN, *args],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
        env={**clean, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **(env or {})},
    )
    return ran.returncode, ran.stdout + ran.stderr


def count_tests(examples: list[str]) -> int:
    return sum(len(re.findall(r"^(?:async )?def test_", code, re.MULTILINE)) for code in examples)


def assert_all_passed(outcome: tuple[int, str], examples: list[str]) -> None:
    code, output = outcome
    assert code == 0, output
    assert re.search(rf"\b{count_tests(examples)} passed\b", output), output


def test_blocking_examples_pass_without_any_asyncio_plugin(tmp_path: Path) -> None:
    assert_all_passed(pytest_in(project(tmp_path, BLOCKING)), BLOCKING)


def test_every_example_passes_beside_pytest_asyncio_in_strict_mode(tmp_path: Path) -> None:
    where = project(tmp_path, EXAMPLES, "asyncio_mode = strict")
    assert_all_passed(pytest_in(where, *ASYNCIO), EXAMPLES)


def test_every_example_passes_beside_pytest_asyncio_in_auto_mode(tmp_path: Path) -> None:
    where = project(tmp_path, EXAMPLES, "asyncio_mode = auto")
    assert_all_passed(pytest_in(where, *ASYNCIO), EXAMPLES)


def test_the_fixtures_use_a_running_sandbox_when_given_its_url(tmp_path: Path) -> None:
    where = project(tmp_path, BLOCKING)
    with ServeProcess("--store", "memory://") as server:
        env = {"PSP_SANDBOX_URL": server.url, "PSP_SANDBOX_WEBHOOK_HOST": "localhost"}
        assert_all_passed(pytest_in(where, env=env), BLOCKING)
        with SandboxAdmin(server.url) as admin:
            made_there = admin.payments(provider="tranzzo")
    assert len(made_there) >= count_tests(BLOCKING)
    assert all(p["tenant"].startswith("t-") for p in made_there)


def test_an_unreachable_sandbox_url_fails_with_a_clear_message(tmp_path: Path) -> None:
    code, output = pytest_in(project(tmp_path, BLOCKING), "--sandbox-url", "http://127.0.0.1:9")
    assert code == 1
    assert "no psp-sandbox answers at --sandbox-url http://127.0.0.1:9" in output


def test_a_contract_suite_runs_by_module_name_against_the_target_it_is_given(
    tmp_path: Path,
) -> None:
    """``pytest --pyargs psp_sandbox.contracts.<provider> --target-url …`` from a project that
    is not psp-sandbox: the options come from the installed plugin, not a conftest."""
    where = project(tmp_path, [])
    suite = (
        *("-p", "_hypothesis_pytestplugin", "-p", "schemathesis.pytest.plugin"),
        *("--pyargs", "psp_sandbox.contracts.tranzzo", "-k", "health", "--target-is-sandbox"),
    )
    with ServeProcess("--store", "memory://", "--access-log") as server:
        code, output = pytest_in(where, *suite, "--target-url", server.url)
        server.interrupt()
        served = server.output()
    assert code == 0, output
    assert re.search(r"\b1 passed\b", output), output
    assert "GET /tranzzo/health" in served  # the target given is the one checked
