"""The outcome of grading: per test, per question, per submission; and how points are shared.

A test's weight comes from its ``points`` marker (or ``test_case(points=...)``); a question's
points come from ``grading_config.yaml`` and are shared among its tests in proportion to weight.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from autograder.config import Assignment


@dataclass
class TestOutcome:
    """What one test did against one submission, before points are assigned."""

    test_id: str
    name: str
    question: str
    weight: float
    visibility: str
    public: bool
    passed: bool
    output: str
    duration: float = 0.0


@dataclass
class TestResult:
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
    student_seconds: float = 0.0  # the student's code: notebook cells and calls
    test_seconds: float = 0.0  # the tests' own code, without the student's calls
    wall_seconds: float = 0.0  # everything; wall - student - tests is the grader's overhead
    isolation: str = ""

    @property
    def total(self) -> float:
        return round(sum(q.score for q in self.questions), 4)

    @property
    def max_total(self) -> float:
        return round(sum(q.max_score for q in self.questions), 4)

    def question(self, name: str) -> QuestionResult:
        return next(q for q in self.questions if q.name == name)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(total=self.total, max_total=self.max_total)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SubmissionResult":
        data = {k: v for k, v in data.items() if k not in ("total", "max_total")}
        data["tests"] = [TestResult(**t) for t in data.get("tests", [])]
        data["questions"] = [QuestionResult(**q) for q in data.get("questions", [])]
        return cls(**data)


def score(outcomes: list[TestOutcome], assignment: Assignment) -> tuple[list[TestResult], list[QuestionResult]]:
    """Assign points: each question's points shared among its tests by weight."""
    tests: list[TestResult] = []
    questions: list[QuestionResult] = []
    for qname, question in assignment.questions.items():
        mine = [o for o in outcomes if o.question == qname]
        total_weight = sum(o.weight for o in mine)
        earned = 0.0
        for o in mine:
            max_score = question.points * o.weight / total_weight if total_weight else 0.0
            got = max_score if o.passed else 0.0
            earned += got
            tests.append(TestResult(o.test_id, o.name, o.question, o.visibility, o.public, o.passed,
                                    round(got, 4), round(max_score, 4), o.output, o.duration))
        questions.append(QuestionResult(qname, round(earned, 4), question.points,
                                        sum(o.passed for o in mine), len(mine)))
    return tests, questions
