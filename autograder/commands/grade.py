"""``autograder grade SUBMISSION... --assignment NAME --out DIR [--gradebook PATH] [--regrade]``; after grading,
``OUT/report.html`` and the students' ``OUT/<student>/feedback.{md,html}`` (see ``autograder.exports.after_grade``)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.batch import BatchReport
    from autograder.commands.progress import GradeDisplay


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade submissions: .ipynb, .py, .zip, directories of them, and LMS bulk "
                                     "downloads (Gradescope, Canvas, Moodle; zipped or unpacked)")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    p.add_argument("--assignment", "-a", required=True)
    p.add_argument("--out", "-o", type=Path, required=True, help="output directory")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    p.add_argument("--gradebook", type=Path, default=None,
                   help="SQLite gradebook (default: OUT/gradebook.sqlite); unchanged submissions are not graded again")
    p.add_argument("--regrade", action="store_true",
                   help="grade everything again and print each student's score change before storing it")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="no progress bar, even on a terminal")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.batch import grade_batch
    from autograder.commands.progress import GradeDisplay
    from autograder.gradebook.schema import GradebookError

    display = GradeDisplay(live=None if args.progress else False)
    try:
        report = grade_batch(args.config, args.assignment, args.submissions, args.out, workers=max(1, args.workers),
                             on_event=display, gradebook=args.gradebook, regrade=args.regrade,
                             command=shlex.join(sys.argv))
    except GradebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        display.close()
    _write_report_and_feedback(args, report, display)
    display.summary(report)
    return 0


def _write_report_and_feedback(args: argparse.Namespace, report: BatchReport, display: GradeDisplay) -> None:
    """``OUT/report.html`` and the run's ``OUT/<student>/feedback.{md,html}``; a failure here is only a warning
    (the grades are in the gradebook; ``autograder export`` writes these again)."""
    from autograder.exports.after_grade import write_after_grade

    try:
        path = write_after_grade(report.gradebook, report.assignment, report.out_dir,
                                 {r.submission for r in report.results}, args.config)
    except Exception as exc:  # noqa: BLE001
        print(f"warning: could not write the tutor report or feedback files: {exc}", file=sys.stderr)
        return
    display.line(f"tutor report: {path}; feedback: {report.out_dir}/<student>/feedback.md, feedback.html")
