"""What every export reads: the assignment's section of the config and each student's latest graded
submission in the gradebook, with lateness from that section's ``due`` and ``late_policy``.

The section comes from ``grading_config.yaml`` (``--config``, else the nearest one) when it defines
the assignment, so a due date changed after grading (an extension) applies without regrading;
otherwise from the gradebook, as its most recent run of the assignment stored it. The tutors' marks of
the written questions come with it (``combined``: automatic and written marks together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import Assignment, ConfigError, find_config, load_config
from autograder.exports.written import Combined, combine
from autograder.gradebook.marks import Mark, current_marks
from autograder.gradebook.model import GradedSubmission
from autograder.gradebook.queries import assignment_spec, latest, ungraded
from autograder.gradebook.store import Gradebook
from autograder.scoring.points import total


class ExportError(Exception):
    """Nothing to export: no gradebook, or nothing graded for the assignment."""


@dataclass
class ExportData:
    """One assignment's graded submissions, one per student, sorted by student key."""

    assignment: str
    spec: Assignment
    graded: list[GradedSubmission]
    gradebook: Path
    spec_from: str
    ungraded: list[str] = field(default_factory=list)
    marks: dict[str, dict[str, Mark]] = field(default_factory=dict)  # student -> written question -> mark
    root: Path | None = None  # the project (the config's folder), when a config was found

    @property
    def questions(self) -> list[str]:
        return list(self.spec.questions)

    @property
    def automatic_max(self) -> float:
        return round(sum(q.points for q in self.spec.questions.values()), 4)

    @property
    def max_total(self) -> float:
        """The automatic and the written questions' points."""
        return total([self.automatic_max, *(q.points for q in self.spec.written.values())])

    def combined(self, g: GradedSubmission) -> Combined:
        """``g``'s automatic result with its written marks."""
        return combine(g, self.spec, self.marks.get(g.student.key, {}))

    @property
    def lateness_rule(self) -> str:
        """E.g. ``due 2024-03-02 12:00-08:00, percent_per_day 10% (grace 30 min), from grading_config.yaml``."""
        p, due = self.spec.late_policy, self.spec.due
        if due is None:
            return f"no due date (from {self.spec_from})"
        rule = {"none": "no penalty", "zero": "zero if late"}.get(p.kind, f"percent_per_day {p.percent:g}%")
        grace = f" (grace {p.grace_minutes:g} min)" if p.grace_minutes else ""
        return f"due {due:%Y-%m-%d %H:%M%z}, {rule}{grace}, from {self.spec_from}"


def config_section(config_path: Path | None, assignment: str) -> Assignment | None:
    """The assignment's section of the config; None when no config is found or it lacks the assignment.

    An explicitly given config that cannot be read is an error, not a fallback.
    """
    try:
        config, _ = load_config(config_path)
    except ConfigError:
        if config_path is not None:
            raise
        return None
    return config.assignments.get(assignment)


def project_root(config_path: Path | None) -> Path | None:
    """The folder of the config (given, else the nearest one), or None when there is none."""
    try:
        return (config_path or find_config()).resolve().parent
    except ConfigError:
        return None


def load_export(gradebook: Path, assignment: str, config_path: Path | None = None) -> ExportData:
    """Read ``assignment`` from the gradebook at ``gradebook`` (which must exist)."""
    if not gradebook.is_file():
        raise ExportError(f"no gradebook at {gradebook} (grade first: autograder grade ... --out DIR)")
    spec = config_section(config_path, assignment)
    spec_from = "grading_config.yaml"
    with Gradebook(gradebook) as book:
        if spec is None:
            spec, spec_from = assignment_spec(book, assignment), "the gradebook's last run"
        if spec is None:
            raise ExportError(f"the gradebook {gradebook} has no run of {assignment!r}")
        graded = latest(book, assignment, spec)
        missing = ungraded(book, assignment)
        marks = current_marks(book, assignment)
    if not graded:
        raise ExportError(f"no graded submission of {assignment!r} in {gradebook}")
    root = project_root(config_path) if spec_from == "grading_config.yaml" else None
    return ExportData(assignment, spec, graded, gradebook, spec_from, missing, marks, root)
