"""``autograder export FORMAT --assignment NAME [--out-dir DIR] [--gradebook PATH]``: grades for an LMS,
feedback files for students and the tutor report, all read from the gradebook (formats:
``autograder.exports.registry.EXPORTERS``).

``--out-dir`` is the grade command's ``--out``; the gradebook defaults to ``OUT/gradebook.sqlite``
and ``OUT`` to the gradebook's folder. Exit 2 when there is nothing to export.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    from autograder.exports.registry import EXPORTERS

    p = sub.add_parser("export", parents=parents,
                       help="from the gradebook: Canvas / Moodle / plain CSV, student feedback, "
                                      "tutor report")
    formats = p.add_subparsers(dest="format", required=True, metavar="FORMAT")
    common = argparse.ArgumentParser(add_help=False, parents=parents)
    common.add_argument("--assignment", "-a", required=True, help="the assignment's name in grading_config.yaml")
    common.add_argument("--out-dir", type=Path, default=None, help="the grade command's --out directory")
    common.add_argument("--gradebook", type=Path, default=None, help="the gradebook (default OUT/gradebook.sqlite)")
    for exporter in EXPORTERS.values():
        f = formats.add_parser(exporter.name, parents=[common], help=exporter.help, description=exporter.help)
        if exporter.output_help:
            f.add_argument("-o", "--output", type=Path, default=None, help=exporter.output_help)
        for option in exporter.options:
            f.add_argument(*option.flags, **option.kwargs)
        f.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.exports.registry import EXPORTERS
    from autograder.exports.source import ExportError, load_export
    from autograder.exports.table import listing
    from autograder.gradebook.schema import GradebookError
    from autograder.grading.batch import GRADEBOOK_NAME

    if args.out_dir is None and args.gradebook is None:
        print("error: give --out-dir DIR (the grade command's --out) or --gradebook PATH", file=sys.stderr)
        return 2
    out_dir = args.out_dir or args.gradebook.parent
    try:
        data = load_export(args.gradebook or out_dir / GRADEBOOK_NAME, args.assignment, args.config)
    except (ExportError, GradebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if data.ungraded:
        print(f"note: not graded yet, left out: {listing(data.ungraded)}", file=sys.stderr)
    exporter = EXPORTERS[args.format]
    done = exporter.write(data, out_dir, getattr(args, "output", None),
                          {o.dest: getattr(args, o.dest) for o in exporter.options})
    for note in done.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{args.format}: {done.summary}", file=sys.stderr)
    return 0
