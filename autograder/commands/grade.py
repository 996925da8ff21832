"""``autograder grade SUBMISSION... --assignment NAME --out DIR``: grade into the gradebook, write
``DIR/<student>/results.json``, ``DIR/grades.csv``, ``DIR/report.html`` and the students' feedback.

Exit status: 0 when every submission was graded (whatever the scores), 1 when the grader itself
failed on some submission (they are named, and graded again by the next run), 2 when the
configuration, the tests or the gradebook cannot be used.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("grade", parents=parents,
                       help="grade submissions: .ipynb, .py, .zip, directories of them, and LMS bulk "
                                     "downloads (Gradescope, Canvas, Moodle; zipped or unpacked)")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                   help="a notebook, script or zip, a directory of them, or an LMS bulk download (zip or folder)")
    p.add_argument("--assignment", "-a", required=True, help="the assignment's name in grading_config.yaml")
    p.add_argument("--out", "-o", type=Path, required=True,
                   help="output directory: <student>/results.json, grades.csv, report.html, gradebook.sqlite")
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
    from autograder.commands.progress import GradeDisplay
    from autograder.gradebook.schema import GradebookError
    from autograder.grading.batch import grade_batch
    from autograder.grading.outputs import default_listeners

    display = GradeDisplay(live=None if args.progress else False)
    try:
        report = grade_batch(args.config, args.assignment, args.submissions, args.out, workers=max(1, args.workers),
                             listeners=[*default_listeners(), display], gradebook=args.gradebook,
                             regrade=args.regrade, command=shlex.join(sys.argv))
    except GradebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        display.close()
    display.summary(report)
    if report.lost:
        print(f"error: the grader failed on {len(report.lost)} submission(s), not the students: "
              f"{', '.join(report.lost)}; run the same command again to grade them", file=sys.stderr)
        return 1
    return 0
