"""What a grading run tells its listeners, as typed data, and the listener protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.gradebook.deltas import ScoreDelta
from autograder.lms.model import Superseded
from autograder.scoring.results import SubmissionResult


@dataclass(frozen=True)
class Plan:
    """What the run will do: sent once, before any result."""

    assignment: str
    submissions: int
    to_grade: int
    reused: int
    superseded: list[Superseded]
    notes: list[str]
    gradebook: Path
    regrade: bool
    out_dir: Path


@dataclass(frozen=True)
class Reported:
    """A submission's result: graded now, or reused from the gradebook."""

    result: SubmissionResult
    reused: bool = False
    lost: bool = False  # the grader failed on it (not the student's file); graded again next run
    same_as: str = ""  # reused from this run's result for another student's identical file
    source: Path | None = None  # the submitted file as staged for this run (readable until the run ends)
    sha256: str = ""  # the submitted file's content hash
    regraded: tuple[str, ...] = ()  # when only some questions were graded again (the others reused): those


@dataclass
class BatchReport:
    """Everything a run produced, in the order the submissions were read."""

    assignment: str
    out_dir: Path
    gradebook: Path
    run_id: int
    questions: list[str] = field(default_factory=list)
    config_path: Path | None = None
    results: list[SubmissionResult] = field(default_factory=list)
    graded: int = 0
    reused: int = 0
    superseded: list[Superseded] = field(default_factory=list)
    deltas: list[ScoreDelta] = field(default_factory=list)
    grader_problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)  # files the listeners wrote at the end (the tutor report)

    @property
    def failed(self) -> int:
        """Submissions that could not be run at all (load error, notebook crash, grader failure)."""
        return sum(r.error is not None for r in self.results)

    @property
    def timed_out(self) -> int:
        return sum(bool(r.failures("timeout")) for r in self.results)

    @property
    def lost(self) -> list[str]:
        """Students whose submission the grader (not the student) failed to grade in this run."""
        return [r.submission for r in self.results if r.lost]


class RunListener:
    """Receives a run's events; override what you need. A listener that raises is reported as a warning
    and the run goes on (``grade_batch`` keeps every result in the gradebook regardless)."""

    def planned(self, plan: Plan) -> None:
        """The run's plan, before any result."""

    def graded(self, item: Reported) -> None:
        """One submission's result, as it arrives (already committed to the gradebook)."""

    def score_changed(self, delta: ScoreDelta) -> None:
        """With ``--regrade``: a student's score before and after, before the new result is stored."""

    def grader_problem(self, message: str) -> None:
        """A grading worker failed (course staff's problem, not a student's)."""

    def finished(self, report: BatchReport) -> None:
        """The run is over: every result is stored."""
