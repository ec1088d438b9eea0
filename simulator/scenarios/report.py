"""What a scenario run found, step by step, and how it reads in a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.table import Table
from rich.text import Text


@dataclass(frozen=True, slots=True)
class StepResult:
    number: int
    name: str
    passed: bool
    #: What was seen (passed) or what differed (failed).
    detail: str
    duration_ms: int


@dataclass(slots=True)
class Report:
    scenario: str
    tenant: str
    steps: list[StepResult] = field(default_factory=list)
    #: Every call and answer, and every webhook received — what repeats with ``--seed``.
    transcript: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)

    def table(self) -> Table:
        verdict = "[green]passed[/]" if self.passed else "[red]FAILED[/]"
        table = Table(
            title=f"{self.scenario} — {verdict}  (tenant {self.tenant})", title_justify="left"
        )
        table.add_column("#", justify="right")
        table.add_column("step")
        table.add_column("", justify="center")
        table.add_column("detail")
        table.add_column("ms", justify="right")
        for step in self.steps:
            mark = Text("✓", style="green") if step.passed else Text("✗", style="bold red")
            detail = Text(step.detail, style="" if step.passed else "red")
            table.add_row(str(step.number), step.name, mark, detail, str(step.duration_ms))
        return table

    def summary(self) -> str:
        """Plain text, for assertion messages."""
        lines = [f"scenario {self.scenario!r} {'passed' if self.passed else 'FAILED'}"]
        for step in self.steps:
            mark = "ok  " if step.passed else "FAIL"
            lines.append(f"  {mark} {step.number:>2}. {step.name}: {step.detail}")
        return "\n".join(lines)
