"""``grades.csv``: one row per submission; columns ``submission``, one per question, ``total``, ``max_total``."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Iterable

from autograder.scoring.results import SubmissionResult


def write_grades_csv(path: Path, questions: list[str], results: Iterable[SubmissionResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["submission", *questions, "total", "max_total"])
        for r in sorted(results, key=lambda r: r.submission):
            scores = {q.name: q.score for q in r.questions}
            writer.writerow([r.submission, *(_num(scores.get(q, 0.0)) for q in questions), _num(r.total),
                             _num(r.max_total)])
    os.replace(tmp, path)


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.4f}".rstrip("0")
