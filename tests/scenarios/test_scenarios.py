"""Scenario files: the shipped edge cases pass, the format's schema is published and current,
failures say which step and why, and a seeded run repeats exactly."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from psp_sandbox.simulator.scenarios import scenario_schema
from psp_sandbox.simulator.scenarios.library import FOLDER, locate, shipped
from psp_sandbox.simulator.scenarios.model import InvalidScenario, load_scenario
from psp_sandbox.simulator.testing.plugin import Sandbox
from psp_sandbox.simulator.testing.scenarios import run_scenario
from tests.process import run_cli as cli

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS_WITH_WEBHOOKS = ("tranzzo", "macropay", "paymentz")


@pytest.mark.parametrize("name", shipped())
def test_every_shipped_scenario_passes(name: str, sandbox: Sandbox) -> None:
    report = run_scenario(name, sandbox)
    assert report.steps and all(step.passed for step in report.steps)


def test_each_provider_ships_its_classic_edge_cases() -> None:
    names = shipped()
    for provider in ("tranzzo", "fiserv", "macropay", "paymentz", "payworks"):
        assert f"{provider}/async-decline-after-timeout" in names
        assert any(n.startswith(f"{provider}/refund-after-partial") for n in names)
        assert any(n.startswith(f"{provider}/expired-") for n in names)
    for provider in PROVIDERS_WITH_WEBHOOKS:
        assert f"{provider}/3ds-abandoned" in names
        assert f"{provider}/duplicate-notification" in names


def test_the_published_schema_is_the_generated_one_and_every_shipped_scenario_follows_it() -> None:
    published = json.loads((ROOT / "docs" / "scenario.schema.json").read_text())
    assert published == scenario_schema()
    validator = jsonschema.Draft202012Validator(published)
    for path in FOLDER.glob("*/*.yaml"):
        validator.validate(yaml.safe_load(path.read_text()))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"name": "x", "steps": [{"advance_clock": -1}]})


def test_a_failed_step_is_reported_with_why_and_the_rest_is_not_run(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    case = tmp_path / "wrong.yaml"
    case.write_text(
        yaml.safe_dump(
            {
                "name": "wrong expectation",
                "provider": "macropay",
                "steps": [
                    {
                        "call": "create_order",
                        "body": {"money": {"amount": 5, "currency": "EUR"}},
                        "expect": {"status": 200, "body": {"money": {"amount": 6}}},
                    },
                    {"advance_clock": 1},
                ],
            }
        )
    )
    report = run_scenario(case, sandbox, check=False)
    assert not report.passed
    first, second = report.steps
    assert (first.passed, first.detail) == (False, "money.amount: expected 6, got 5")
    assert (second.passed, second.detail) == (False, "not run: an earlier step failed")
    with pytest.raises(AssertionError, match=r"FAIL  1\. macropay\.create_order: money\.amount"):
        run_scenario(case, sandbox)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nsteps: []\n", "steps: List should have at least 1 item"),
        ("name: x\nsteps: [{advance_clock: soon}]\n", "steps.0"),
        ("name: [unclosed\n", "not YAML"),
    ],
)
def test_a_malformed_scenario_file_is_refused_with_where_it_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InvalidScenario, match=message):
        load_scenario(path)
    with pytest.raises(InvalidScenario, match="no scenario file 'nope/nothing'"):
        locate("nope/nothing")


@pytest.mark.slow
def test_a_seeded_run_gives_the_same_ids_and_bodies_every_time(tmp_path: Path) -> None:
    cases = ("tranzzo/refund-after-partial-capture", "fiserv/async-decline-after-timeout")
    runs = []
    for n in (1, 2, 3):
        seed = "7" if n < 3 else "8"
        out = tmp_path / f"run-{n}.json"
        result = cli("scenario", "run", *cases, "--seed", seed, "--transcript", str(out))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "2 scenario(s) passed" in result.stdout
        runs.append(out.read_text())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]  # another seed, other ids
    first = json.loads(runs[0])
    payment_id = first[0]["steps"][0]["answer"]["payment_id"]
    assert payment_id in runs[1]
    assert payment_id not in runs[2]


@pytest.mark.slow
def test_a_failing_scenario_run_on_the_command_line_exits_1_with_its_report(
    tmp_path: Path,
) -> None:
    case = tmp_path / "fails.yaml"
    case.write_text(
        "name: it fails\nprovider: tranzzo\nsteps:\n"
        "  - expect_payment: {reference: never-made, status: captured}\n"
    )
    result = cli("scenario", "run", str(case))
    assert result.returncode == 1
    assert "it fails — FAILED" in result.stdout
    assert "no payment with reference 'never-made'" in result.stdout
    assert "1 of 1 scenario(s) failed" in result.stderr
    assert "Traceback" not in result.stderr
