"""``autograder grade SUBMISSION... --assignment NAME --out DIR``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade submissions (.ipynb, .py, .zip or directories of them)")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    p.add_argument("--assignment", "-a", required=True)
    p.add_argument("--out", "-o", type=Path, required=True, help="output directory")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.grading import grade
    from autograder.scoring.results import SubmissionResult

    def on_event(kind: str, payload: object) -> None:
        if kind == "result" and isinstance(payload, SubmissionResult):
            flag = " (could not run)" if payload.error else ""
            print(f"  {payload.submission}: {payload.total:g}/{payload.max_total:g}{flag}", flush=True)
        elif kind == "worker_error":
            print(f"grader worker failed:\n{payload}", file=sys.stderr)

    results = grade(args.config, args.assignment, args.submissions, args.out, args.workers, on_event)
    failed = sum(1 for r in results if r.error)
    print(f"graded {len(results)} submission(s) of {args.assignment}; {failed} could not run; "
          f"results in {args.out}/ (grades.csv, <submission>/results.json)")
    return 0
