"""A student's automatic and written marks together: what every export, the feedback and the report show.

The total is the automatic questions' points plus the written questions marked so far, exactly (decimals);
the late penalty applies to that total. A written question not marked yet adds nothing and is named as
"not marked yet" wherever the score is shown, never as 0; its points still count in the maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from autograder.config import Assignment
from autograder.gradebook.marks import Mark
from autograder.gradebook.model import GradedSubmission
from autograder.scoring.late import after_penalty
from autograder.scoring.points import total

NOT_MARKED = "not marked yet"


@dataclass(frozen=True)
class WrittenScore:
    """One written question of one student: ``points`` is None until a tutor's mark is imported."""

    name: str
    title: str
    max_points: float
    points: float | None
    comment: str = ""

    @property
    def marked(self) -> bool:
        return self.points is not None


@dataclass(frozen=True)
class Combined:
    """A student's score: the automatic result's total and each written question."""

    automatic: float
    automatic_max: float
    written: tuple[WrittenScore, ...]
    penalty: float

    @property
    def total(self) -> float:
        return total([Decimal(str(self.automatic)), *(Decimal(str(w.points)) for w in self.written if w.marked)])

    @property
    def max_total(self) -> float:
        return total([Decimal(str(self.automatic_max)), *(Decimal(str(w.max_points)) for w in self.written)])

    @property
    def final(self) -> float:
        """The total after the late penalty."""
        return after_penalty(self.total, self.penalty)

    @property
    def missing(self) -> list[str]:
        """Written questions not marked yet."""
        return [w.name for w in self.written if not w.marked]

    @property
    def comments(self) -> list[tuple[str, str]]:
        """(question, tutor's comment) for each marked written question that has one."""
        return [(w.name, w.comment) for w in self.written if w.marked and w.comment.strip()]


def combine(g: GradedSubmission, spec: Assignment, marks: dict[str, Mark]) -> Combined:
    """``g``'s automatic result with the marks of ``spec``'s written questions in ``marks``."""
    written = tuple(
        WrittenScore(name, q.title, q.points, float(marks[name].points) if name in marks else None,
                     marks[name].comment if name in marks else "")
        for name, q in spec.written.items())
    return Combined(g.result.total, g.result.max_total, written, g.penalty)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace one space (a comment in a CSV cell or an LMS comment)."""
    return " ".join(text.split())
