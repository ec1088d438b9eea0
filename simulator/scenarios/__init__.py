"""Scenario files: a declarative list of provider calls, QA actions and expectations, run
against a sandbox to make a case happen again — on the command line or from a test."""

from .model import Scenario, load_scenario, scenario_schema
from .report import Report, StepResult
from .runner import run_scenario

__all__ = [
    "Report",
    "Scenario",
    "StepResult",
    "load_scenario",
    "run_scenario",
    "scenario_schema",
]
