"""``report.html`` for tutors: score histograms, the most common failure messages per question, and
students grouped by failure signature so one comment serves a whole group; the written questions'
marking progress, and the pairs of the last similarity check with their matching code side by side.
Self-contained: inline CSS, plots as ``data:`` PNGs, no external requests. It names hidden tests: not
for students. Final scores count the written questions marked so far."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.exports.failures import CommonFailure, SignatureGroup, common_failures, signature_groups
from autograder.exports.plots import histogram_png
from autograder.exports.similarity import SimilaritySection, report_section
from autograder.exports.source import ExportData
from autograder.exports.table import write_text
from autograder.exports.templating import render

REPORT_NAME = "report.html"


@dataclass(frozen=True)
class Spread:
    """Mean, median, full marks and zeros of one column of scores."""

    mean: float
    median: float
    full: int
    zero: int

    @classmethod
    def of(cls, scores: list[float], max_score: float) -> Spread:
        return cls(statistics.fmean(scores), statistics.median(scores),
                   sum(s >= max_score - 1e-9 for s in scores), sum(s <= 1e-9 for s in scores))


@dataclass
class QuestionSection:
    name: str
    title: str
    max_score: float
    spread: Spread
    plot: str  # data: URI
    failures: list[CommonFailure] = field(default_factory=list)


@dataclass
class WrittenSection:
    """Marking progress of one written question."""

    name: str
    title: str
    max_score: float
    marked: int
    mean: float | None
    not_marked: list[str]


@dataclass
class TutorReport:
    assignment: str
    title: str
    students: int
    generated: str
    gradebook: str
    lateness_rule: str
    max_total: float
    total: Spread
    total_plot: str
    could_not_run: int
    late: int
    penalised: int
    ungraded: list[str]
    questions: list[QuestionSection]
    groups: list[SignatureGroup]
    finals: dict[str, float] = field(default_factory=dict)  # student -> final score (written marks included)
    written: list[WrittenSection] = field(default_factory=list)
    similarity: SimilaritySection | None = None


def build_report(data: ExportData, failures_per_question: int = 5) -> TutorReport:
    graded = data.graded
    combined = {g.student.key: data.combined(g) for g in graded}
    finals = [combined[g.student.key].final for g in graded]
    questions = []
    for name, q in data.spec.questions.items():
        scores = [next((x.score for x in g.result.questions if x.name == name), 0.0) for g in graded]
        questions.append(QuestionSection(
            name, q.title, q.points, Spread.of(scores, q.points),
            histogram_png(scores, q.points, f"{name}: {q.title}" if q.title else name),
            common_failures(graded, name, failures_per_question)))
    return TutorReport(
        data.assignment, data.spec.title, len(graded), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        str(data.gradebook), data.lateness_rule, data.max_total, Spread.of(finals, data.max_total),
        histogram_png(finals, data.max_total, "total after late penalties"),
        sum(g.result.error is not None for g in graded), sum(g.late for g in graded),
        sum(g.penalty > 0 for g in graded), data.ungraded, questions, signature_groups(graded),
        {k: c.final for k, c in combined.items()}, written_sections(data), report_section(data))


def written_sections(data: ExportData) -> list[WrittenSection]:
    out = []
    for name, q in data.spec.written.items():
        marks = {k: m[name].points for k, m in data.marks.items() if name in m}
        scores = [float(marks[g.student.key]) for g in data.graded if g.student.key in marks]
        out.append(WrittenSection(name, q.title, q.points, len(scores), statistics.fmean(scores) if scores else None,
                                  [g.student.key for g in data.graded if g.student.key not in marks]))
    return out


def write_report(data: ExportData, path: Path) -> Path:
    """Render the report for ``data`` to ``path``."""
    write_text(path, render("report.html.j2", r=build_report(data)))
    return path
