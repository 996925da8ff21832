"""``autograder package ASSIGNMENT [--out dist]``: the Gradescope autograder zip and the student zip."""

from __future__ import annotations

import argparse
import time
import zipfile
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("package", parents=parents,
                       help="build dist/<assignment>-autograder.zip for Gradescope (and the student zip)")
    p.add_argument("assignment", help="the assignment's name in grading_config.yaml")
    p.add_argument("--out", "-o", type=Path, default=Path("dist"), help="output directory (default: dist)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograder.config import find_config
    from autograder.gradescope.build import build_autograder_zip, build_student_zip

    config_path = args.config or find_config()
    start = time.monotonic()
    autograder_zip = build_autograder_zip(config_path, args.assignment, args.out)
    student_zip = build_student_zip(config_path, args.assignment, args.out)
    with zipfile.ZipFile(autograder_zip) as zf:
        count = len(zf.namelist())
    print(f"{autograder_zip}: {count} files, {autograder_zip.stat().st_size / 1024**2:.1f} MB "
          f"(upload as the Gradescope autograder; never give it to students)")
    print(f"{student_zip}: the notebook and its public tests, for students")
    print(f"built in {time.monotonic() - start:.1f} s")
    return 0
