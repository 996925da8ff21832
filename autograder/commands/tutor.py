"""What the tutor commands around the gradebook share (``import``, ``similarity``, ``push``): the
assignment and gradebook options, and reading the assignment from the gradebook with clear errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograder.exports.source import ExportData


def gradebook_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--assignment", "-a", required=True, help="the assignment's name in grading_config.yaml")
    p.add_argument("--out-dir", type=Path, default=None, help="the grade command's --out directory")
    p.add_argument("--gradebook", type=Path, default=None, help="the gradebook (default OUT/gradebook.sqlite)")


def load(args: argparse.Namespace) -> tuple[ExportData, Path] | None:
    """The assignment's data and the output folder, or None after printing why not."""
    from autograder.exports.source import ExportError, load_export
    from autograder.gradebook.schema import GradebookError
    from autograder.grading.batch import GRADEBOOK_NAME

    if args.out_dir is None and args.gradebook is None:
        print("error: give --out-dir DIR (the grade command's --out) or --gradebook PATH", file=sys.stderr)
        return None
    out_dir = args.out_dir or args.gradebook.parent
    try:
        return load_export(args.gradebook or out_dir / GRADEBOOK_NAME, args.assignment, args.config), out_dir
    except (ExportError, GradebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
