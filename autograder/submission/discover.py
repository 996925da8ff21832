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


def make_jobs(paths: list[Path]) -> list[Job]:
    """One job per file, keyed by its stem (made unique with -2, -3 ... when stems repeat)."""
    seen: dict[str, int] = {}
    jobs = []
    for p in paths:
        stem = p.stem or "submission"
        seen[stem] = seen.get(stem, 0) + 1
        jobs.append(Job(p.resolve() if p.exists() else p, stem if seen[stem] == 1 else f"{stem}-{seen[stem]}"))
    return jobs
