"""What can be checked of the container set-up and the README without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path

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
    assert service["ports"] == ["8480:8480"]


def test_the_image_serves_on_the_composed_port_with_the_serve_command() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)
    assert cmd is not None
    assert '"psp-sandbox", "serve"' in cmd.group(1)
    assert "EXPOSE 8480" in dockerfile


def test_the_readme_gives_exactly_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    setup = re.findall(r"^\s*(make \w+)", readme, re.MULTILINE)
    assert setup[:2] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
