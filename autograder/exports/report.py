"""``report.html`` for tutors: score histograms, the most common failure messages per question, and
students grouped by failure signature so one comment serves a whole group. Self-contained: inline
CSS, plots as ``data:`` PNGs, no external requests. It names hidden tests: not for students."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.exports.failures import CommonFailure, SignatureGroup, common_failures, signature_groups
from autograder.exports.plots import histogram_png
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


def build_report(data: ExportData, failures_per_question: int = 5) -> TutorReport:
    graded = data.graded
    finals = [g.final_score for g in graded]
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
        sum(g.penalty > 0 for g in graded), data.ungraded, questions, signature_groups(graded))


def write_report(data: ExportData, path: Path) -> Path:
    """Render the report for ``data`` to ``path``."""
    write_text(path, render("report.html.j2", r=build_report(data)))
    return path
