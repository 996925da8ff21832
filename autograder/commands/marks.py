"""``autograder import marks FILE.csv --assignment NAME [--out-dir DIR]``: a tutor's marks of the written
questions into the gradebook (the CSV that ``autograder export answers`` wrote, filled in).

The whole file is checked first; any problem refuses all of it (exit 1), each problem named with its
line. Otherwise the marks are stored with who imported them and when, and every change is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    from autograder.commands.tutor import gradebook_options

    p = sub.add_parser("import", parents=parents, help="into the gradebook: tutors' marks of written questions")
    kinds = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    m = kinds.add_parser("marks", parents=parents, help="a marking CSV (student, question, points, comment)",
                         description="Import a marking CSV written by 'autograder export answers'. The whole file "
                                     "is checked first: any problem refuses all of it.")
    m.add_argument("file", type=Path, metavar="FILE.csv")
    gradebook_options(m)
    m.add_argument("--question", default=None,
                   help="the written question, when the file has no question column")
    m.add_argument("--by", default=None, help="who marked (default: your user name)")
    m.add_argument("--dry-run", action="store_true", help="check the file and print the changes; store nothing")
    m.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.commands.tutor import load
    from autograder.exports.answers import decimal_text
    from autograder.exports.marking import MarkingError, import_marks

    loaded = load(args)
    if loaded is None:
        return 2
    data, _ = loaded
    try:
        done = import_marks(data, args.file, args.question, args.by, args.dry_run)
    except MarkingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for c in done.changes:
        if c.kind == "unchanged":
            continue
        after = decimal_text(c.after.points)
        if c.before is None:
            what = after
        else:
            what = f"{decimal_text(c.before.points)} -> {after}" if c.before.points != c.after.points else after
            what += " (comment changed)" if c.before.comment != c.after.comment else ""
        print(f"  {c.kind:<8} {c.student} {c.question}: {what}")
    counts = ", ".join(f"{done.count(k)} {k}" for k in ("new", "changed", "unchanged"))
    blank = f"; {len(done.blank)} row(s) without points left as they were" if done.blank else ""
    if done.import_id is None:
        print(f"dry run: {args.file}: {counts}{blank}; nothing stored", file=sys.stderr)
    else:
        print(f"imported {args.file} for {data.assignment} by {done.by}: {counts}{blank}", file=sys.stderr)
    return 0
