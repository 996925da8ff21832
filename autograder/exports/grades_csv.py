"""``grades.csv``: one row per submission; columns ``submission``, one per question, ``total``, ``max_total``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from autograder.atomic import write_atomic
from autograder.scoring.results import SubmissionResult


def write_grades_csv(path: Path, questions: list[str], results: Iterable[SubmissionResult]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["submission", *questions, "total", "max_total"])
    for r in sorted(results, key=lambda r: r.submission):
        scores = {q.name: q.score for q in r.questions}
        writer.writerow([r.submission, *(number(scores.get(q, 0.0)) for q in questions), number(r.total),
                         number(r.max_total)])
    write_atomic(path, buf.getvalue())


def number(x: float) -> str:
    """A point value as written in results.json: its shortest exact decimal (``4``, ``1.3333``)."""
    return f"{x:g}" if float(x).is_integer() else repr(float(x))
