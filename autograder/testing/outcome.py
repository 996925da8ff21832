"""What the tests found for one submission, before any points: the runner's product."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Why a test did not pass, as data (never recovered from the feedback's wording).
Failure = Literal["", "assertion", "exception", "timeout", "memory", "crash", "exit", "missing", "not_implemented",
                  "not_run", "grader"]
FAILURES: tuple[str, ...] = ("", "assertion", "exception", "timeout", "memory", "crash", "exit", "missing",
                             "not_implemented", "not_run", "grader")


@dataclass
class TestOutcome:
    """What one test did against one submission."""

    __test__ = False  # not a pytest test class

    test_id: str
    name: str
    question: str
    weight: float
    visibility: str
    public: bool
    passed: bool
    output: str
    duration: float = 0.0
    failure: Failure = ""


@dataclass
class GradedRun:
    """A submission after its tests ran: the outcomes, the notebook's messages, and what it cost.

    ``lost`` means the grader (not the student) failed on it: its row says so, it is not kept for
    reuse, and the run's exit status reports it.
    """

    submission: str
    path: str
    assignment: str
    outcomes: list[TestOutcome] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None
    lost: bool = False
    student_seconds: float = 0.0
    test_seconds: float = 0.0
    wall_seconds: float = 0.0
    isolation: str = ""
    questions: frozenset[str] | None = None  # graded only these questions (the others were reused)
