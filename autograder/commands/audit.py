"""``autograder audit ASSIGNMENT [--runs N]``: the author's proof that the hidden tests are right,
strong and never flaky. Exits 0 when the audit passes (warnings allowed), 1 when any check fails
(see ``autograder/audit/checks.py`` for which), 2 when the configuration or the tests are unusable."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SEED_MAX = 2**32 - 1  # PYTHONHASHSEED's range


def seed(text: str) -> int:
    value = int(text)
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"a seed is an integer from 0 to {SEED_MAX}")
    return value


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", parents=parents,
                       help="check the hidden tests: reference under N seeds, untouched notebook, "
                                     "mutants, alternatives; writes audit.html")
    p.add_argument("assignment", help="the assignment's name in grading_config.yaml")
    p.add_argument("--runs", "-n", type=int, default=20, help="run seeds to grade the reference under (default 20)")
    p.add_argument("--seed", type=seed, default=0, help="the first run seed (runs use SEED, SEED+1, ...; default 0)")
    p.add_argument("--host-seed", type=seed, default=None,
                   help="hash seed and global-RNG seed of the sandbox and grading processes (default: --seed)")
    p.add_argument("--workers", "-j", type=int, default=min(4, os.cpu_count() or 1),
                   help="grading workers (default: cores, at most 4)")
    p.add_argument("--out", "-o", type=Path, default=None,
                   help="where audit.html goes (default out/audit/<assignment>/)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.audit.html import write_html
    from autograder.audit.run import audit
    from autograder.audit.text import render_text

    if args.runs < 0 or args.workers < 1:
        print("error: --runs must be at least 0 and --workers at least 1", file=sys.stderr)
        return 2

    def progress(entry, result, done: int, total: int) -> None:
        if done == 1 or done % 10 == 0 or done == total:
            print(f"  graded {done}/{total}", file=sys.stderr, flush=True)

    print(f"auditing {args.assignment} ...", file=sys.stderr, flush=True)
    report = audit(args.config, args.assignment, runs=args.runs, first_seed=args.seed, host_seed=args.host_seed,
                   workers=args.workers, on_result=progress)
    print(render_text(report))
    html = write_html(report, (args.out or Path("out") / "audit" / args.assignment) / "audit.html")
    print(f"report: {html}")
    return 0 if report.passed else 1
