"""What an audit found: the graded submissions, the catch matrix and the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autograder.audit.finding import Finding
from autograder.audit.matrix import Matrix
from autograder.audit.names import NamingProblem
from autograder.scoring.results import SubmissionResult

if TYPE_CHECKING:
    from autograder.audit.clauses import ClauseTable

@dataclass
class AuditReport:
    assignment: str
    questions: list[str]
    run_seeds: list[int]
    host_seed: int
    reference: SubmissionResult | None
    seeded: dict[int, SubmissionResult]
    untouched: SubmissionResult | None
    matrix: Matrix
    alternatives: dict[str, SubmissionResult]
    naming: list[NamingProblem]
    clauses: ClauseTable | None = None  # clauses.yaml against this grading
    rechecks: dict[str, SubmissionResult] = field(default_factory=dict)  # key -> second grading, same seed
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def reproduce(self, seed: int) -> str:
        """The command that grades the reference again under one run seed, exactly as this audit did."""
        return f"autograder audit {self.assignment} --runs 1 --seed {seed} --host-seed {self.host_seed}"
