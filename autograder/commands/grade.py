"""``autograder grade SUBMISSION... --assignment NAME [--assignment NAME ... | --all] --out DIR``: grade into
the gradebook, write ``DIR/<student>/results.json``, ``DIR/grades.csv``, ``DIR/report.html`` and the
students' feedback (with several assignments, each under ``DIR/<assignment>/``). ``--scheduler ADDRESS`` or
``--cluster local:N`` grades on the workers of a Dask cluster instead of local processes
(``autograder.grading.cluster``).

Exit status: 0 when every submission was graded (whatever the scores), 1 when the grader itself
failed on some submission (they are named, and graded again by the next run), 2 when the
configuration, the tests, the gradebook or the arguments cannot be used.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.grading.batch import PoolFactory


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("grade", parents=parents,
                       help="grade submissions: .ipynb, .py, .zip, directories of them, and LMS bulk "
                            "downloads (Gradescope, Canvas, Moodle; zipped or unpacked)")
    p.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                   help="a notebook, script or zip, a directory of them, or an LMS bulk download (zip or folder); "
                        "with several assignments, a folder holding one folder (or zip) per assignment")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--assignment", "-a", action="append", metavar="NAME",
                       help="the assignment's name in grading_config.yaml; repeat it to grade several in one run "
                            "(one sandbox host and one set of workers for all)")
    which.add_argument("--all", action="store_true",
                       help="every assignment of grading_config.yaml that has a folder or zip of submissions")
    p.add_argument("--out", "-o", type=Path, required=True,
                   help="output directory: <student>/results.json, grades.csv, report.html, gradebook.sqlite "
                        "(with several assignments: DIR/<assignment>/...)")
    p.add_argument("--workers", "-j", type=int, default=os.cpu_count() or 1,
                   help="parallel workers (default: number of cores)")
    p.add_argument("--gradebook", type=Path, default=None,
                   help="SQLite gradebook (default: OUT/gradebook.sqlite); unchanged submissions are not graded again")
    p.add_argument("--regrade", action="store_true",
                   help="grade everything again and print each student's score change before storing it")
    p.add_argument("--no-progress", dest="progress", action="store_false",
                   help="no progress bar, even on a terminal")
    cluster = p.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", metavar="tcp://HOST:8786",
                         help="grade on the workers of this Dask scheduler (README: Grading on a cluster); "
                              "--workers is then the cluster's business")
    cluster.add_argument("--cluster", metavar="local:N",
                         help="grade on a Dask LocalCluster of N worker processes started for this run")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from autograder.commands.progress import GradeDisplay
    from autograder.config import load_config
    from autograder.gradebook.schema import GradebookError
    from autograder.grading.batch import RequestError, grade_batches, requests_for
    from autograder.grading.outputs import default_listeners

    names = list(load_config(args.config)[0].assignments) if args.all else list(dict.fromkeys(args.assignment))
    try:
        requests, notes = requests_for(names, args.submissions, args.out, args.gradebook, skip_missing=args.all)
    except RequestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    display = GradeDisplay(live=None if args.progress else False)
    requests = [replace(r, listeners=[*default_listeners(), display]) for r in requests]
    errors: tuple[type[Exception], ...] = (GradebookError,)
    if args.scheduler or args.cluster:
        from autograder.grading.cluster import ClusterError

        errors += (ClusterError,)
    with ExitStack() as stack:
        try:
            pool = stack.enter_context(cluster_pool(args)) if args.scheduler or args.cluster else None
            reports = grade_batches(args.config, requests, workers=max(1, args.workers), regrade=args.regrade,
                                    command=shlex.join(sys.argv), pool=pool)
        except errors as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        finally:
            display.close()
    for report in reports:
        display.summary(report)
    lost = [f"{r.assignment}/{key}" if len(reports) > 1 else key for r in reports for key in r.lost]
    if lost:
        print(f"error: the grader failed on {len(lost)} submission(s), not the students: {', '.join(lost)}; "
              f"run the same command again to grade them", file=sys.stderr)
        return 1
    return 0


@contextmanager
def cluster_pool(args: argparse.Namespace) -> Iterator[PoolFactory]:
    """The pool factory of ``--scheduler`` or ``--cluster local:N``, connected for the run."""
    from autograder.grading.cluster import dask_client, dask_pool, parse_local

    local = parse_local(args.cluster) if args.cluster else None
    with dask_client(args.scheduler, local) as client:
        yield dask_pool(client)
