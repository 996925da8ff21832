"""Per-student feedback, ``<student>/feedback.md`` and ``feedback.html``, showing only what the student
may see at the ``--show`` level: tests shown there in full (name, verdict, output); of the others,
only how many there are per question, never their names or outputs. Scores (per question, total,
late penalty) and the notebook's own messages are always shown, and so is each written question's mark
and the tutor's comment, or that it is not marked yet (the score is then the score so far)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.config import Assignment
from autograder.exports.summary import days_phrase
from autograder.exports.table import points
from autograder.exports.templating import render
from autograder.exports.visibility import WITHHELD_PHRASE, Show, shown
from autograder.exports.written import NOT_MARKED, Combined, WrittenScore, combine
from autograder.gradebook.model import GradedSubmission
from autograder.scoring.gradescope import notebook_report

NOT_RUN = "not run: see \"Your notebook\" above"


@dataclass(frozen=True)
class ShownTest:
    name: str
    passed: bool
    score: float
    max_score: float
    output: str


@dataclass(frozen=True)
class Withheld:
    """How many tests of one visibility are not shown, and when they will be."""

    count: int
    phrase: str


@dataclass
class QuestionFeedback:
    name: str
    title: str
    score: float
    max_score: float
    tests: list[ShownTest] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)


@dataclass
class Feedback:
    assignment: str
    student: str
    total: float
    max_total: float
    final: float
    penalty: float
    late: str  # e.g. "2.3 days late", or "" when on time
    notebook: str
    questions: list[QuestionFeedback]
    show: Show
    written: tuple[WrittenScore, ...] = ()

    @property
    def score_label(self) -> str:
        """``Score``, or ``Score so far`` while a written question is not marked."""
        return "Score so far" if self.missing else "Score"

    @property
    def missing(self) -> list[str]:
        return [w.name for w in self.written if not w.marked]

    @property
    def score_note(self) -> str:
        """After the score: what lateness did to it, and the written questions not marked yet."""
        missing = f"({', '.join(self.missing)} {NOT_MARKED})" if self.missing else ""
        return " ".join(n for n in (self.late_note, missing) if n)

    @property
    def late_note(self) -> str:
        """What lateness did to the score, in brackets after it ("" when on time)."""
        if self.penalty > 0:
            return f"({points(self.total)} before the late penalty: {self.late}, -{points(self.penalty * 100)}%)"
        return f"({self.late}, no penalty)" if self.late else ""


def feedback_for(g: GradedSubmission, spec: Assignment, show: Show = "visible",
                 written: Combined | None = None) -> Feedback:
    """What ``g``'s student may see; ``written`` carries the tutors' marks (default: none marked yet)."""
    r = g.result
    c = written or combine(g, spec, {})
    questions = []
    for q in r.questions:
        mine = [t for t in r.tests if t.question == q.name]
        hidden = Counter(t.visibility for t in mine if not shown(t.visibility, show))
        questions.append(QuestionFeedback(
            q.name, spec.questions[q.name].title if q.name in spec.questions else "", q.score, q.max_score,
            [ShownTest(t.name, t.passed, t.score, t.max_score, _output(t.output, r.error))
             for t in mine if shown(t.visibility, show)],
            [Withheld(n, WITHHELD_PHRASE.get(v, v)) for v, n in sorted(hidden.items())]))
    late = f"{days_phrase(g.days_late)} late" if g.days_late > 0 else ("late" if g.late else "")
    return Feedback(spec.title, g.student.name or g.student.key, c.total, c.max_total, c.final, g.penalty,
                    late, notebook_report(r), questions, show, c.written)


def _output(output: str, error: str | None) -> str:
    """A test's output, or a pointer to the notebook's report when it only repeats why nothing ran."""
    return NOT_RUN if error and output == f"not run: {error}" else output


def write_feedback(g: GradedSubmission, spec: Assignment, out_dir: Path, show: Show = "visible",
                   written: Combined | None = None) -> list[Path]:
    """Write ``out_dir/<student>/feedback.md`` and ``feedback.html``; returns their paths."""
    view = feedback_for(g, spec, show, written)
    folder = out_dir / g.student.key
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("feedback.md", "feedback.html"):
        path = folder / name
        path.write_text(render(f"{name}.j2", f=view), encoding="utf-8")
        paths.append(path)
    return paths
