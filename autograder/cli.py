"""The ``autograder`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.config import ConfigError


def _grade(args: argparse.Namespace) -> int:
    from autograder.grading import grade
    from autograder.testing.runner import AuthorError

    def on_event(kind: str, payload: object) -> None:
        if kind == "result":
            r = payload  # type: ignore[assignment]
            flag = " (could not run)" if r.error else ""  # type: ignore[attr-defined]
            print(f"  {r.submission}: {r.total:g}/{r.max_total:g}{flag}", flush=True)  # type: ignore[attr-defined]
        elif kind == "worker_error":
            print(f"grader worker failed:\n{payload}", file=sys.stderr)

    try:
        results = grade(args.config, args.assignment, args.submissions, args.out, args.workers, on_event)
    except (ConfigError, AuthorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = sum(1 for r in results if r.error)
    print(f"graded {len(results)} submission(s) of {args.assignment}; {failed} could not run; "
          f"results in {args.out}/ (grades.csv, <submission>/results.json)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--config", type=Path, default=None,
                        help="grading_config.yaml (default: found from the working directory upwards)")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade submissions (.ipynb, .py, .zip or directories of them)")
    g.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    g.add_argument("--assignment", "-a", required=True)
    g.add_argument("--out", "-o", type=Path, required=True, help="output directory")
    g.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    g.set_defaults(func=_grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
