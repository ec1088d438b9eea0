"""What can be checked of the container image without a Docker engine: the build context, the
Dockerfile's stages, user and health check — and that its command and probe work as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docker.utils.build import exclude_paths

from tests.process import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
#: Instructions with their continuation lines joined.
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def instructions(keyword: str) -> list[str]:
    return [i.split(" ", 1)[1] for i in INSTRUCTIONS if i.split(" ", 1)[0] == keyword]


def runtime_stage() -> list[str]:
    """The instructions of the last stage: what the image is made of."""
    last = max(n for n, i in enumerate(INSTRUCTIONS) if i.startswith("FROM "))
    return INSTRUCTIONS[last:]


def test_the_build_context_leaves_out_environments_history_and_databases(tmp_path: Path) -> None:
    patterns = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [p for p in patterns if p.strip() and not p.startswith("#")]
    sent = set(exclude_paths(str(ROOT), patterns))
    assert not {p for p in sent if p.split("/")[0] in {".venv", ".git", "tests", "benchmarks"}}
    assert not {p for p in sent if re.search(r"\.db(-\w+)?$", p)}
    assert not {p for p in sent if "__pycache__" in p}
    copied = {
        source
        for i in instructions("COPY")
        if not i.startswith("--from")
        for source in i.split()[:-1]  # the last word is the destination
    }
    assert copied <= {p.split("/")[0] for p in sent}
    assert {"pyproject.toml", "README.md", "simulator", "psp_sandbox", "docs"} <= copied


def test_the_image_is_slim_and_runs_as_a_fixed_unprivileged_uid() -> None:
    stage = runtime_stage()
    assert re.fullmatch(r"FROM python:3\.\d+-slim", stage[0])
    [user] = [i.split(" ", 1)[1] for i in stage if i.startswith("USER ")]
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) >= 1000 and gid == uid
    assert f"--uid {uid}" in DOCKERFILE
    installs = [i for i in stage if i.startswith("RUN ") and "pip install" in i]
    assert installs and all("--no-cache-dir" in i for i in installs)
    assert not any("[" in i for i in installs)  # no extras: the server's needs only
    assert not [i for i in stage if i.startswith("COPY ") and "--from=" not in i]


def test_the_health_check_allows_for_start_up() -> None:
    [check] = instructions("HEALTHCHECK")
    options = dict(re.findall(r"--([\w-]+)=(\S+)", check))
    assert {"interval", "timeout", "start-period", "retries"} <= set(options)
    assert int(options["start-period"].rstrip("s")) >= 10


def _run_command() -> list[str]:
    [command] = instructions("CMD")
    return list(json.loads(command))


def _environment(data: Path, port: int) -> dict[str, str]:
    """The image's ENV, with /data in a temporary folder and a free port."""
    [declared] = [i for i in runtime_stage() if i.startswith("ENV ")]
    pairs = dict(part.split("=", 1) for part in shlex.split(declared.removeprefix("ENV ")))
    pairs = {k: v.replace("/data/", f"{data}/") for k, v in pairs.items()}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PSP_SANDBOX_")}
    # As in the image, psp-sandbox and python are the first on the PATH.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    local = {"PSP_SANDBOX_HOST": "127.0.0.1", "PSP_SANDBOX_PORT": str(port), "PATH": path}
    return {**clean, **pairs, **local}


def _probe(env: dict[str, str]) -> int:
    [check] = instructions("HEALTHCHECK")
    probe = json.loads(check.split(" CMD ", 1)[1])
    probe[0] = shutil.which(probe[0], path=env["PATH"]) or probe[0]
    return subprocess.run(probe, env=env, capture_output=True, timeout=30).returncode


@pytest.mark.slow
def test_the_command_serves_from_the_image_settings_and_the_probe_sees_it(tmp_path: Path) -> None:
    env = _environment(tmp_path, free_port())
    assert _probe(env) != 0  # nothing listens yet: unhealthy
    command = _run_command()
    assert command == ["psp-sandbox", "serve"]  # every setting comes from PSP_SANDBOX_*
    server = subprocess.Popen(
        [shutil.which(command[0], path=env["PATH"]) or command[0], *command[1:]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline_checks = 200
        while _probe(env) != 0:
            assert server.poll() is None, server.communicate()[0]
            deadline_checks -= 1
            assert deadline_checks > 0, "never healthy"
        assert (tmp_path / "psp-sandbox.db").exists()  # the store the image names
    finally:
        server.terminate()
        server.wait(15)
