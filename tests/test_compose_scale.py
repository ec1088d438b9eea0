"""docker-compose's `scale` profile: PostgreSQL, two or more replicas on it, a load balancer in
front, every service health-checked; the default service stays the single SQLite container."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

from psp_sandbox.simulator.cli.serve import serve

ROOT = Path(__file__).resolve().parent.parent


def test_the_scale_profile_runs_replicas_on_one_postgresql_behind_a_balancer() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "profiles" not in services["psp-sandbox"]
    scale = {name: s for name, s in services.items() if "scale" in s.get("profiles", ())}
    assert all("healthcheck" in s for s in scale.values())
    [database] = [n for n, s in scale.items() if s.get("image", "").startswith("postgres:")]
    replicas = {n: s for n, s in scale.items() if s.get("command", [""])[0] == "psp-sandbox"}
    assert len(replicas) >= 2
    env = scale[database]["environment"]
    for replica in replicas.values():
        command = replica["command"]
        serve.make_context("serve", command[2:])  # the command line parses
        store = urlparse(command[command.index("--store") + 1])
        assert (store.scheme, store.hostname, store.username, store.password, store.path) == (
            "postgresql",
            database,
            env["POSTGRES_USER"],
            env["POSTGRES_PASSWORD"],
            f"/{env['POSTGRES_DB']}",
        )
        assert replica["depends_on"][database]["condition"] == "service_healthy"
    [balancer] = [s for s in scale.values() if s.get("image", "").startswith(("nginx", "haproxy"))]
    assert all(port.startswith("127.0.0.1:") for port in balancer["ports"])
    config = ROOT / balancer["volumes"][0].split(":")[0]
    upstreams = config.read_text()
    assert all(f"server {name}:8480" in upstreams for name in replicas)
