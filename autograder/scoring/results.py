"""The outcome of grading with points: per test, per question, per submission.

A test's weight comes from its ``points`` marker (or ``test_case(points=...)``); a question's points
come from ``grading_config.yaml`` and are shared exactly among its tests by weight
(``autograder.scoring.points``): the tests' ``max_score`` values add up to the question's points,
and every total is an exact decimal sum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from autograder.config import Assignment
from autograder.scoring import points
from autograder.testing.outcome import GradedRun, TestOutcome


@dataclass
class TestResult:
    """One test against one submission, with its points."""

    __test__ = False  # not a pytest test class

    test_id: str
    name: str
    question: str
    visibility: str
    public: bool
    passed: bool
    score: float
    max_score: float
    output: str
    duration: float = 0.0
    failure: str = ""  # why it failed (autograder.testing.outcome.FAILURES); "" when it passed


@dataclass
class QuestionResult:
    name: str
    score: float
    max_score: float
    passed: int
    total: int


@dataclass
class SubmissionResult:
    submission: str
    path: str
    assignment: str
    tests: list[TestResult] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    lost: bool = False  # the grader failed on it, not the student: graded again by the next run
    student_seconds: float = 0.0  # the student's code: notebook cells and calls
    test_seconds: float = 0.0  # the tests' own code, without the student's calls
    wall_seconds: float = 0.0  # everything; wall - student - tests is the grader's overhead
    isolation: str = ""

    @property
    def total(self) -> float:
        return points.total(q.score for q in self.questions)

    @property
    def max_total(self) -> float:
        return points.total(q.max_score for q in self.questions)

    def question(self, name: str) -> QuestionResult:
        return next(q for q in self.questions if q.name == name)

    def failures(self, kind: str) -> list[TestResult]:
        """The tests that failed for the reason ``kind`` (e.g. ``timeout``)."""
        return [t for t in self.tests if not t.passed and t.failure == kind]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(total=self.total, max_total=self.max_total)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["tests"] = [_build(TestResult, t) for t in data.get("tests", [])]
        values["questions"] = [_build(QuestionResult, q) for q in data.get("questions", [])]
        return cls(**values)


def _build(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def score_tests(outcomes: list[TestOutcome], assignment: Assignment) -> tuple[list[TestResult], list[QuestionResult]]:
    """Assign points: each question's points shared exactly among its tests by weight."""
    tests: list[TestResult] = []
    questions: list[QuestionResult] = []
    for qname, question in assignment.questions.items():
        mine = [o for o in outcomes if o.question == qname]
        shares = points.split(question.points, [o.weight for o in mine])
        earned = []
        for o, share in zip(mine, shares):
            got = share if o.passed else 0
            earned.append(got)
            tests.append(TestResult(o.test_id, o.name, o.question, o.visibility, o.public, o.passed,
                                    float(got), float(share), o.output, o.duration,
                                    "" if o.passed else (o.failure or "assertion")))
        questions.append(QuestionResult(qname, points.total(earned), float(question.points),
                                        sum(o.passed for o in mine), len(mine)))
    return tests, questions


def score(run: GradedRun, assignment: Assignment) -> SubmissionResult:
    """The run's outcomes with points."""
    tests, questions = score_tests(run.outcomes, assignment)
    return SubmissionResult(submission=run.submission, path=run.path, assignment=run.assignment, tests=tests,
                            questions=questions, messages=list(run.messages), error=run.error, lost=run.lost,
                            student_seconds=run.student_seconds, test_seconds=run.test_seconds,
                            wall_seconds=run.wall_seconds, isolation=run.isolation)
