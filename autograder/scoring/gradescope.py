"""``results.json`` in Gradescope's autograder schema, written by the grader process only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from autograder.atomic import write_atomic
from autograder.scoring.results import SubmissionResult


def notebook_report(result: SubmissionResult) -> str:
    """What happened to the notebook as a whole (load errors, failing cells), for the student."""
    lines = [result.error] if result.error else []
    lines += result.messages
    return "\n".join(lines)


def gradescope_results(result: SubmissionResult) -> dict[str, Any]:
    """One entry per test (name, score, max_score, output, visibility), plus a visible notebook report."""
    tests: list[dict[str, Any]] = []
    report = notebook_report(result)
    if report:
        tests.append({"name": "Your notebook", "output": report, "visibility": "visible",
                      "status": "failed" if result.error else "passed"})
    for t in result.tests:
        tests.append({"name": t.name, "score": t.score, "max_score": t.max_score, "output": t.output,
                      "visibility": t.visibility, "status": "passed" if t.passed else "failed",
                      "extra_data": {"question": t.question, "test_id": t.test_id, "public": t.public,
                                     "failure": t.failure}})
    return {
        "score": result.total,
        "execution_time": round(result.wall_seconds, 2),
        "output": report or "Your notebook ran without errors.",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"assignment": result.assignment, "max_total": result.max_total,
                       "isolation": result.isolation,
                       "seconds": {"wall": round(result.wall_seconds, 4), "student": round(result.student_seconds, 4),
                                   "tests": round(result.test_seconds, 4)}},
    }


def write_json_atomic(path: Path, data: Any) -> None:
    """Strict JSON (no NaN or Infinity) via a temporary file and rename, so a reader never sees half a file.
    One line: an indented dump goes through json's pure-Python encoder, ten times slower (most of the
    grader's own CPU time in a regrade that rewrites hundreds of results); ``python -m json.tool`` shows it
    indented."""
    write_atomic(path, json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
