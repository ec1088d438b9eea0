"""What can be checked of the package, the compose file and the README without installing or
running them."""

from __future__ import annotations

import ast
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_the_serve_command_with_a_volume_and_a_health_check() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["psp-sandbox"]
    command = service["command"]
    assert command[:2] == ["psp-sandbox", "serve"]
    store = command[command.index("--store") + 1]
    [volume] = service["volumes"]
    name, mount = volume.split(":")
    assert name in compose["volumes"]
    assert store == f"sqlite:///{mount}/psp-sandbox.db"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    check = " ".join(service["healthcheck"]["test"])
    assert "http://127.0.0.1:8480/_sandbox/health" in check
    assert service["ports"] == ["${PSP_SANDBOX_BIND:-127.0.0.1}:8480:8480"]


def test_compose_publishes_on_loopback_and_opens_up_only_in_strict_mode_by_choice() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["psp-sandbox"]
    [published] = service["ports"]
    default = re.fullmatch(r"\$\{PSP_SANDBOX_BIND:-([^}]+)\}:8480:8480", published)
    assert default is not None and default.group(1) == "127.0.0.1"
    environment = service["environment"]
    assert environment["PSP_SANDBOX_AUTH"] == "${PSP_SANDBOX_AUTH:-open}"
    assert environment["PSP_SANDBOX_ADMIN_TOKEN"] == "${PSP_SANDBOX_ADMIN_TOKEN:-}"


def test_the_readme_gives_exactly_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = re.findall(r"^\s*(make \w+)", readme, re.MULTILINE)
    assert setup[:2] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.xdist_group("wheel")
def test_the_wheel_puts_exactly_one_top_level_package_on_the_path(built_wheel: Path) -> None:
    with zipfile.ZipFile(built_wheel) as archive:
        names = archive.namelist()
        [top_level] = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        entry_points = archive.read(top_level.replace("top_level.txt", "entry_points.txt"))
        declared = archive.read(top_level).decode().split()
    roots = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert roots == {"psp_sandbox"}
    assert declared == ["psp_sandbox"]
    for package in ("simulator", "client", "contracts"):
        assert f"psp_sandbox/{package}/__init__.py" in names
    assert "psp_sandbox/simulator/ui/templates/acs.html" in names
    assert "psp_sandbox/simulator/ui/templates/explorer.html" in names
    assert "psp_sandbox/docs/providers/tranzzo.md" in names  # served at /_sandbox/docs/
    assert b"psp_sandbox.simulator.testing.plugin" in entry_points
    assert b"psp_sandbox.simulator.cli:main" in entry_points


_FOLDERS = {"simulator", "client", "contracts"}
_LINKED = {*_FOLDERS, "docs"}


def _absolute_imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_code_imports_the_installed_names_never_the_checkout_folders() -> None:
    """Inside a checkout ``import simulator`` happens to work; installed it does not."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for folder in (*_FOLDERS, "tests", "benchmarks")
        for path in (ROOT / folder).rglob("*.py")
        for line, module in _absolute_imports(path)
        if module.split(".")[0] in _FOLDERS
    ]
    assert offenders == []


def test_the_namespace_links_point_at_the_checkout_folders() -> None:
    for folder in _LINKED:
        link = ROOT / "psp_sandbox" / folder
        assert link.is_symlink()
        assert link.resolve() == ROOT / folder
