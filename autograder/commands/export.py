"""``autograder export canvas|moodle|csv|feedback|report --assignment NAME [--out-dir DIR] [--gradebook PATH]``:
grades for an LMS, feedback files for students and the tutor report, all read from the gradebook.

``--out-dir`` is the grade command's ``--out``; the gradebook defaults to ``OUT/gradebook.sqlite``
and ``OUT`` to the gradebook's folder. CSVs go to ``OUT/<assignment>_<format>.csv`` unless ``-o``
says otherwise (``-o -``: standard output). Exit 2 when there is nothing to export.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.exports.source import ExportData

FORMATS = {
    "canvas": "Canvas gradebook import CSV (Student, ID, SIS User ID, SIS Login ID, Section, assignment)",
    "moodle": "Moodle CSV: the assignment's grading worksheet, or the gradebook import (by email / ID number)",
    "csv": "plain CSV: one row per student, one column per question, totals and lateness",
    "feedback": "OUT/<student>/feedback.md and feedback.html, showing only what students may see",
    "report": "OUT/report.html for tutors: histograms, common failures, students grouped by failed tests",
}
CSV_SUFFIX = {"canvas": "canvas", "moodle": "moodle", "csv": "scores"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="from the gradebook: Canvas / Moodle / plain CSV, student feedback, "
                                      "tutor report")
    formats = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--assignment", "-a", required=True)
    common.add_argument("--out-dir", type=Path, default=None, help="the grade command's --out directory")
    common.add_argument("--gradebook", type=Path, default=None, help="the gradebook (default OUT/gradebook.sqlite)")
    for name, text in FORMATS.items():
        f = formats.add_parser(name, parents=[common], help=text, description=text)
        if name != "feedback":
            f.add_argument("-o", "--output", type=Path, default=None,
                           help="file to write (default in OUT; '-' for standard output)" if name != "report"
                           else "file to write (default OUT/report.html)")
        f.set_defaults(run=run)
    canvas, moodle, feedback = (formats.choices[n] for n in ("canvas", "moodle", "feedback"))
    canvas.add_argument("--title", default=None,
                        help="the assignment column: the Canvas assignment's exact name (default: the config's title)")
    canvas.add_argument("--canvas-id", default=None,
                        help="the Canvas assignment id, appended as 'title (id)' so Canvas matches by id")
    moodle.add_argument("--layout", choices=("auto", "worksheet", "gradebook"), default="auto",
                        help="worksheet: Participant ids from a Moodle download; gradebook: email / ID number; "
                             "auto: worksheet when any student comes from a Moodle download")
    for f in (canvas, moodle):
        f.add_argument("--out-of", type=float, default=None,
                       help="rescale scores to this many points (the LMS assignment's maximum)")
    feedback.add_argument("--show", choices=("visible", "after_due_date", "after_published", "all"),
                          default="visible",
                          help="tests shown in full: visible only (default: what students may see now); after the "
                               "due date; once grades are published; all (hidden tests too: for staff)")


def locations(args: argparse.Namespace) -> tuple[Path, Path] | None:
    """``(gradebook, out dir)`` from ``--gradebook`` and ``--out-dir``; None when neither is given."""
    from autograder.batch import GRADEBOOK_NAME

    if args.out_dir is None and args.gradebook is None:
        return None
    out_dir = args.out_dir or args.gradebook.parent
    return args.gradebook or out_dir / GRADEBOOK_NAME, out_dir


def run(args: argparse.Namespace) -> int:
    from autograder.exports.source import ExportError, load_export
    from autograder.exports.table import listing
    from autograder.gradebook.schema import GradebookError

    where = locations(args)
    if where is None:
        print("error: give --out-dir DIR (the grade command's --out) or --gradebook PATH", file=sys.stderr)
        return 2
    gradebook, out_dir = where
    try:
        data = load_export(gradebook, args.assignment, args.config)
    except (ExportError, GradebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if data.ungraded:
        print(f"note: not graded yet, left out: {listing(data.ungraded)}", file=sys.stderr)
    return {"feedback": _feedback, "report": _report}.get(args.format, _csv)(args, data, out_dir)


def _csv(args: argparse.Namespace, data: ExportData, out_dir: Path) -> int:
    from autograder.exports.canvas import canvas_table
    from autograder.exports.generic import scores_table
    from autograder.exports.moodle import moodle_table
    from autograder.exports.table import write_table

    if args.format == "canvas":
        table = canvas_table(data, args.title, args.canvas_id, args.out_of)
    elif args.format == "moodle":
        table = moodle_table(data, args.layout, args.out_of)
    else:
        table = scores_table(data)
    default = out_dir / f"{data.assignment}_{CSV_SUFFIX[args.format]}.csv"
    target = None if str(args.output) == "-" else args.output or default
    write_table(table, target)
    for note in table.notes:
        print(f"note: {note}", file=sys.stderr)
    rows = len(table.rows) - (args.format == "canvas")
    print(f"{args.format}: {rows} student(s) of {data.assignment} -> {target or 'standard output'}; "
          f"{data.lateness_rule}", file=sys.stderr)
    return 0


def _feedback(args: argparse.Namespace, data: ExportData, out_dir: Path) -> int:
    from autograder.exports.feedback import write_feedback

    for g in data.graded:
        write_feedback(g, data.spec, out_dir, args.show)
    print(f"feedback: {len(data.graded)} student(s) -> {out_dir}/<student>/feedback.md, feedback.html "
          f"(tests shown in full: {args.show})", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace, data: ExportData, out_dir: Path) -> int:
    from autograder.exports.report import REPORT_NAME, write_report

    path = write_report(data, args.output or out_dir / REPORT_NAME)
    print(f"report: {len(data.graded)} student(s) -> {path}", file=sys.stderr)
    return 0
