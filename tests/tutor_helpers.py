"""What the tutor-workflow tests share: the CLI with the project's config, a gradebook's contents, and a
copy of the graded corpus with an LMS download of the same example files added (their results are reused
from the corpus, so nothing is graded again)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from lms_downloads import write_zip

from autograder.cli import main
from autograder.grading.batch import grade_batch

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "grading_config.yaml"
NAME = "style_transfer"


def run(*args: str) -> int:
    """``autograder --config grading_config.yaml ARGS``."""
    return main(["--config", str(CONFIG), *args])


def dump(book: Path) -> list[str]:
    """Every table's rows as SQL: equal before and after means nothing was stored."""
    db = sqlite3.connect(book)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def graded_copy(corpus_out: Path, target: Path, download: list[tuple[str, bytes, tuple[int, ...]]]) -> Path:
    """``corpus_out`` copied to ``target``, with the zip of ``download`` members graded into its gradebook."""
    shutil.copytree(corpus_out, target, ignore=shutil.ignore_patterns(".staging"))
    zipped = write_zip(target.parent / "download.zip", download)
    grade_batch(CONFIG, NAME, [zipped], target, gradebook=target / "gradebook.sqlite")
    return target
