"""What ``autograder grade`` writes after grading: the tutor report (``OUT/report.html``, the whole
gradebook's view of the assignment) and feedback files for the run's students at the default
visibility (what students may see now). Both take about a second for 300 submissions."""

from __future__ import annotations

from pathlib import Path

from autograder.exports.feedback import write_feedback
from autograder.exports.report import REPORT_NAME, write_report
from autograder.exports.source import load_export


def write_after_grade(gradebook: Path, assignment: str, out_dir: Path, students: set[str],
                      config_path: Path | None = None) -> Path:
    """Write ``out_dir/report.html`` and ``out_dir/<student>/feedback.{md,html}`` for ``students``."""
    data = load_export(gradebook, assignment, config_path)
    for g in data.graded:
        if g.student.key in students:
            write_feedback(g, data.spec, out_dir, written=data.combined(g))
    return write_report(data, out_dir / REPORT_NAME)
