"""Which files to grade, and the key (output directory name) of each."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder.submission.load import SUFFIXES

SKIP_DIRS = {".ipynb_checkpoints", "__MACOSX", "__pycache__", ".git"}


@dataclass(frozen=True)
class Job:
    """One submission to grade; ``key`` names its output directory and gradebook entry.

    ``seed`` (``autograder audit`` only) reseeds the grading run: see ``autograder/testing/seeding.py``.
    """

    path: Path
    key: str
    seed: int | None = None
    assignment: str = ""  # which assignment's tests grade it (a pool may serve several); "" the first
    questions: frozenset[str] | None = None  # grade only these questions (the others' results are reused)
    expected_seconds: float | None = None  # what grading it took last time, when the gradebook knows


def find_submissions(args: list[Path]) -> list[Path]:
    """Files as given; directories searched recursively for .ipynb/.py/.zip (hidden and checkpoint dirs skipped)."""
    found: list[Path] = []
    for arg in args:
        if arg.is_dir():
            for dirpath, dirnames, filenames in os.walk(arg):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
                found += [Path(dirpath) / f for f in sorted(filenames)
                          if f.lower().endswith(SUFFIXES) and not f.startswith(".")]
        else:
            found.append(arg)
    return found
