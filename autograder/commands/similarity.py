"""``autograder similarity --assignment NAME --out-dir DIR [--threshold T] [--min-match N]``: which
students' code matches, for a tutor's review (``autograder.exports.similarity``). It never changes a score.

Writes ``DIR/similarity.csv`` (the flagged pairs), ``DIR/similarity/`` (each student's code as compared)
and the "Similar code" section of ``DIR/report.html``; the run is kept in the gradebook.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    from autograder.commands.tutor import gradebook_options
    from autograder.exports.similarity import MIN_MATCH, THRESHOLD

    p = sub.add_parser("similarity", parents=parents,
                       help="pairs of students whose code matches, for a tutor to look at (never changes a score)")
    gradebook_options(p)
    p.add_argument("--threshold", type=float, default=THRESHOLD,
                   help=f"flag a pair when this share of one student's own code matches the other's "
                        f"(default {THRESHOLD})")
    p.add_argument("--min-match", type=int, default=MIN_MATCH,
                   help=f"and at least this many tokens match (default {MIN_MATCH})")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.commands.tutor import load
    from autograder.exports.report import REPORT_NAME, write_report
    from autograder.exports.similarity import NEVER_A_SCORE, compare, store, write_csv

    if not 0 < args.threshold <= 1:
        print("error: --threshold is a share of the code, between 0 and 1", file=sys.stderr)
        return 2
    loaded = load(args)
    if loaded is None:
        return 2
    data, out_dir = loaded
    found = compare(data, out_dir, args.threshold, args.min_match)
    store(data, found)
    csv = write_csv(data, found.run, out_dir)
    report = write_report(data, out_dir / REPORT_NAME)
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    if found.skipped:
        print(f"note: not compared: {', '.join(found.skipped)}", file=sys.stderr)
    for p in found.run.pairs:
        print(f"  {p.student_a} ~ {p.student_b}: {p.share_a:.0%} / {p.share_b:.0%} of their code, "
              f"{p.matched} tokens")
    print(f"similarity: {len(found.run.compared)} student(s) compared, {len(found.run.pairs)} pair(s) flagged -> "
          f"{csv}, {report} (section 'Similar code'); {NEVER_A_SCORE}", file=sys.stderr)
    return 0
