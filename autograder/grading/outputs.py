"""What a run writes besides the gradebook, as listeners: every caller of ``grade_batch`` gets them.

- ``ResultFiles``: ``OUT/<student>/results.json`` (Gradescope's schema) as each result arrives;
- ``GradesCsv``: ``OUT/grades.csv`` at the end (the run's submissions, the spec's columns);
- ``TutorOutputs``: ``OUT/report.html`` (the whole gradebook's view of the assignment) and the run's
  students' ``OUT/<student>/feedback.{md,html}`` at the default visibility;
- ``SubmissionTexts``: what each submitted file says (its cells, never run) into the gradebook, for the
  written answers and the similarity check.
"""

from __future__ import annotations

from pathlib import Path

from autograder.exports.after_grade import write_after_grade
from autograder.exports.grades_csv import write_grades_csv
from autograder.gradebook.marks import has_text, store_text
from autograder.gradebook.store import Gradebook
from autograder.grading.events import BatchReport, Plan, Reported, RunListener
from autograder.lms.stage import file_sha256
from autograder.scoring.gradescope import gradescope_results, write_json_atomic
from autograder.submission.answers import read_text


class ResultFiles(RunListener):
    """``OUT/<student>/results.json`` for every result of the run, graded or reused."""

    out_dir: Path | None = None

    def planned(self, plan: Plan) -> None:
        self.out_dir = plan.out_dir

    def graded(self, item: Reported) -> None:
        assert self.out_dir is not None
        write_json_atomic(self.out_dir / item.result.submission / "results.json", gradescope_results(item.result))


class GradesCsv(RunListener):
    """``OUT/grades.csv``: ``submission``, one column per question, ``total``, ``max_total``."""

    def finished(self, report: BatchReport) -> None:
        write_grades_csv(report.out_dir / "grades.csv", report.questions, report.results)


class TutorOutputs(RunListener):
    """``OUT/report.html`` and the run's feedback files."""

    def finished(self, report: BatchReport) -> None:
        path = write_after_grade(report.gradebook, report.assignment, report.out_dir,
                                 {r.submission for r in report.results}, report.config_path)
        report.outputs.append(path)


class SubmissionTexts(RunListener):
    """Each submitted file's cells (Markdown and code, outputs left out) into the gradebook, once per
    content, read from the staged file as its result arrives (graded or reused)."""

    def __init__(self) -> None:
        self.book: Gradebook | None = None
        self.assignment = ""

    def planned(self, plan: Plan) -> None:
        self.book, self.assignment = Gradebook(plan.gradebook), plan.assignment

    def graded(self, item: Reported) -> None:
        if self.book is None or item.source is None or not item.source.is_file():
            return
        sha256 = item.sha256 or file_sha256(item.source)
        if not has_text(self.book, self.assignment, sha256):
            store_text(self.book, self.assignment, sha256, read_text(item.source))

    def finished(self, report: BatchReport) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None


def default_listeners() -> list[RunListener]:
    return [ResultFiles(), SubmissionTexts(), GradesCsv(), TutorOutputs()]
