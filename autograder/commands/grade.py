"""``autograder grade SUBMISSION... --assignment NAME --out DIR [--gradebook PATH] [--regrade]``."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path


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
    display.summary(report)
    return 0
