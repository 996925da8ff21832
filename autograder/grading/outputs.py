"""What a run writes besides the gradebook, as listeners: every caller of ``grade_batch`` gets them.

- ``ResultFiles``: ``OUT/<student>/results.json`` (Gradescope's schema) as each result arrives;
- ``GradesCsv``: ``OUT/grades.csv`` at the end (the run's submissions, the spec's columns);
- ``TutorOutputs``: ``OUT/report.html`` (the whole gradebook's view of the assignment) and the run's
  students' ``OUT/<student>/feedback.{md,html}`` at the default visibility.
"""

from __future__ import annotations

from pathlib import Path

from autograder.exports.after_grade import write_after_grade
from autograder.exports.grades_csv import write_grades_csv
from autograder.grading.events import BatchReport, Plan, Reported, RunListener
from autograder.scoring.gradescope import gradescope_results, write_json_atomic


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


def default_listeners() -> list[RunListener]:
    return [ResultFiles(), GradesCsv(), TutorOutputs()]
